import Foundation
import HXArguments
import HXBuildInfo
import HXIO
import HXNumerics
import HXPhysics

/// What `hxsim vmm --out FILE` writes beside the result as `FILE.json`: how the result was made
/// and how long it would take on the real chip.
struct VMMRecord: Codable, Equatable {
    var format = "hxsim-vmm-run"
    var version = 1
    /// The build: version, git commit, BLAS kernel.
    var hxsim: String
    var commit: String
    var blasKernel: String
    /// The files, as given on the command line.
    var inputs: String
    var weights: String
    var output: String
    var calibration: String?
    /// Batch × rows times rows × columns.
    var batch: Int
    var rows: Int
    var columns: Int
    /// The chip and how it ran.
    var chipSeed: UInt64
    var parameterFingerprint: String
    var numSends: Int
    var waitBetweenEvents: Int
    var integrator: String
    var digitalCorrection: Bool
    var rounded: Bool
    /// The trial of the first vector (vector b is trial `firstTrial + b`).
    var firstTrial: UInt64
    /// Projected time of the batch on the real chip (events and fixed overhead per vector), s.
    var projectedSeconds: Double
    var projectedSecondsPerVector: Double
    /// Wall-clock seconds this simulation took on this machine (from reading the operands to
    /// the result; the only field that differs between runs).
    var hostSeconds: Double

    /// Where the record of `output` goes: `y.csv` → `y.csv.json`.
    static func path(for output: String) -> String { output + ".json" }
}

extension VMMRecord {
    /// `projected on the real chip: 4.10 ms for 100 vectors (41.0 µs each); simulated in 0.27 s`.
    var summary: String {
        "projected on the real chip: \(HumanFormat.seconds(projectedSeconds)) for "
            + "\(HumanFormat.count(batch)) vectors (\(HumanFormat.seconds(projectedSecondsPerVector)) "
            + "each, \(numSends) send\(numSends == 1 ? "" : "s"), wait \(waitBetweenEvents)); "
            + "simulated in \(HumanFormat.seconds(hostSeconds)) (\(integrator))"
    }

    /// The build's identity, for records.
    static var build: (version: String, commit: String, kernel: String) {
        (BuildInfo.version, BuildInfo.commit, BLAS.kernelName)
    }
}
