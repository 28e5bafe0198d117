import HXBuildInfo
import HXNumerics

/// What `hxsim --version` prints: the version, the git commit of the build, how it was
/// compiled, and the BLAS kernel this process runs its products with.
enum Version {
    /// `debug` or `release`: the numbers of a debug build are right but many times slower.
    static var configuration: String {
        #if DEBUG
            return "debug"
        #else
            return "release"
        #endif
    }

    /// One line, for example
    /// `hxsim 0.1.0 (commit 8204534abcde, release build, OpenBLAS kernel Zen)`.
    static var text: String {
        let commit = BuildInfo.commit
        let shown =
            commit == "unknown"
            ? "unknown commit"
            : "commit \(commit.prefix(12))\(commit.hasSuffix("-dirty") ? "-dirty" : "")"
        return "hxsim \(BuildInfo.version) (\(shown), \(configuration) build, OpenBLAS kernel "
            + "\(BLAS.kernelName))\n"
    }
}
