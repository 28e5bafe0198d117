/// The sentences about a whole file that several modules' errors say (a calibration, model,
/// parameter or sweep file), stated once.
public enum FileText {
    /// "cannot read `file` `path`: `reason`", where `file` says what the file is to the command
    /// (`calibration file`, `the model file`).
    public static func cannotRead(_ file: String, _ path: String, _ reason: String) -> String {
        "cannot read \(file) \(path): \(reason)"
    }

    /// "format version `found`; this HXSim reads version `supported`": a file written by
    /// another version of HXSim.
    public static func otherVersion(found: Int, supported: Int) -> String {
        "format version \(found); this HXSim reads version \(supported)"
    }
}
