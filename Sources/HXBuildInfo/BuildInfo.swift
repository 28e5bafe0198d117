/// What a build of HXSim is: its version and the git commit it was made from (stamped by
/// `Plugins/BuildInfoPlugin` before each build). Results files carry them as provenance.
public enum BuildInfo {
    /// HXSim's version.
    public static let version = "0.1.0"
}
