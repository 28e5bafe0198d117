import COpenBLAS
import Foundation
import HXBuildInfo
import HXIO

/// What made a result: the build of HXSim (version and git commit), the OpenBLAS kernel it ran
/// and the CPU. Two records of one point made by different builds, kernels or CPUs may
/// differ (a release build is compiled for its machine's CPU, and OpenBLAS picks its kernel at
/// run time), so results files carry it and `merge` and `--resume` say when they meet.
public struct BuildProvenance: Sendable, Codable, Equatable, CustomStringConvertible {
    /// HXSim's version.
    public var version: String
    /// The git commit of the build ("-dirty" with uncommitted changes, "unknown" outside git).
    public var commit: String
    /// The OpenBLAS kernel (`openblas_get_corename`), such as `Haswell` or `SkylakeX`.
    public var blasKernel: String
    /// The CPU model, from /proc/cpuinfo.
    public var cpu: String

    /// A provenance with the given parts.
    public init(version: String, commit: String, blasKernel: String, cpu: String) {
        self.version = version
        self.commit = commit
        self.blasKernel = blasKernel
        self.cpu = cpu
    }

    /// This process: its build, kernel and CPU (read once).
    public static let current = BuildProvenance(
        version: BuildInfo.version, commit: BuildInfo.commit, blasKernel: blasKernelName(),
        cpu: cpuModel())

    /// One line: `HXSim 0.1.0, commit 556ef7bf0dbc, OpenBLAS kernel Haswell, CPU AMD EPYC …`.
    public var description: String {
        "HXSim \(version), commit \(commit.prefix(12))\(commit.hasSuffix("-dirty") ? "-dirty" : ""), "
            + "OpenBLAS kernel \(blasKernel), CPU \(cpu)"
    }

    /// The OpenBLAS kernel chosen for this CPU. The one place that asks OpenBLAS; HXNumerics'
    /// kernel detection can take its place.
    static func blasKernelName() -> String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }

    /// The first `model name` of /proc/cpuinfo.
    static func cpuModel() -> String {
        guard let text = try? FileIO.readText(path: "/proc/cpuinfo", maxBytes: 16 << 20) else {
            return "unknown"
        }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let value = line.split(separator: ":", maxSplits: 1).last {
                return value.trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }
}
