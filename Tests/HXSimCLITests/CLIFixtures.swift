import Foundation
import HXCalibration
import HXIO
import HXNumerics
import HXPhysics
import HXTestSupport
import Synchronization
import Testing

/// Exit statuses of hxsim: 0 success, 1 failure, 2 usage error.
enum ExitStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
}

/// Integer CSV as hxsim prints it, one row per line.
func integerRows(_ text: String) -> [[Int]] {
    text.split(separator: "\n").map { line in line.split(separator: ",").map { Int($0)! } }
}

/// Writes a matrix as CSV (no header) and returns the path.
@discardableResult
func writeCSV(_ matrix: Matrix<Int>, to path: String) throws -> String {
    try FileIO.writeAtomically(CSV.format(matrix), to: path)
    return path
}

/// Writes `inputs` and `weights` as x.csv and w.csv into `directory`; returns the `--inputs`
/// and `--weights` arguments that name them.
func operandArguments(
    _ inputs: Matrix<Int>, _ weights: Matrix<Int>, in directory: TemporaryDirectory
) throws -> [String] {
    [
        "--inputs", try writeCSV(inputs, to: directory.file("x.csv")),
        "--weights", try writeCSV(weights, to: directory.file("w.csv")),
    ]
}

/// Files the command-line tests share, made once per process through hxsim itself.
enum CLIFixtures {
    private static let cache = Mutex<String?>(nil)

    /// The directory holding `chip-3.json`, written by `hxsim calibrate --seed 3 --quick`.
    static func calibration() throws -> String {
        try cache.withLock { cached in
            if let cached { return cached }
            let directory = try temporaryDirectory("hxsim-cli-calibration")
            let run = hxsim([
                "calibrate", "--seed", "3", "--quick", "--quiet", "--out",
                directory + "/chip-3.json",
            ])
            guard run.status == 0 else {
                throw CLIFixtureError.commandFailed("hxsim calibrate: \(run.err)")
            }
            cached = directory
            return directory
        }
    }

    /// A parameter file of the linear ideal chip: no mismatch or noise, linear OTA, no output
    /// limits (docs/MODEL.md's closed form holds exactly); returns its path.
    static func linearIdealParameters(in directory: String) throws -> String {
        let p = PhysicsParameters().withoutMismatchOrNoise.withLinearChain
        let path = directory + "/linear.json"
        try p.write(to: path)
        return path
    }
}

enum CLIFixtureError: Error {
    case commandFailed(String)
}

/// The number after `label` in `text` (e.g. "output 12 LSB" → 12 for label "output ").
func integer(after label: String, in text: String) -> Int? {
    guard let range = text.range(of: label) else { return nil }
    let digits = text[range.upperBound...].prefix { $0 == "-" || $0.isNumber }
    return Int(digits)
}
