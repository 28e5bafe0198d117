import Foundation
import HXIO
import HXNumerics
import HXTestSupport
import Testing

@testable import HXSimCLI

@Suite("hxsim: age, temperature, stale calibrations, error budget")
struct DriftCommandTests {
    /// Operands with every column in use: 128 inputs of 12, alternating weights ±20.
    static func operands() throws -> (inputs: String, weights: String) {
        let dir = try temporaryDirectory()
        let row = Array(repeating: "12", count: 128).joined(separator: ",")
        try FileIO.writeAtomically(
            Array(repeating: row, count: 4).joined(separator: "\n"), to: dir + "/x.csv")
        try NumPy.write(
            try Matrix<Int64>(
                rows: 128, columns: 64,
                storage: (0..<(128 * 64)).map { Int64($0 % 3 == 0 ? -20 : 20) }),
            to: dir + "/w.npy")
        return (dir + "/x.csv", dir + "/w.npy")
    }

    @Test("vmm --age --temperature: the same values give the same codes; age 0 is the default")
    func vmmEnvironment() throws {
        let (x, w) = try Self.operands()
        let base = ["vmm", "--inputs", x, "--weights", w, "--seed", "4"]
        let today = hxsim(base)
        let zero = hxsim(base + ["--age", "0", "--temperature", "300"])
        let aged = hxsim(base + ["--age", "604800", "--temperature", "305"])
        let again = hxsim(base + ["--age", "604800", "--temperature", "305"])
        #expect(today.status == 0 && zero.status == 0 && aged.status == 0, "\(aged.err)")
        #expect(zero.out == today.out)
        #expect(aged.out == again.out && aged.out != today.out)
        for (arguments, mention) in [
            (base + ["--age", "-1"], "age"), (base + ["--temperature", "1000"], "temperature"),
        ] {
            let run = hxsim(arguments)
            #expect(run.status != 0 && run.err.contains(mention), "\(run.err)")
        }
    }

    @Test("--calibration warns on stderr when the chip has drifted past the threshold since")
    func staleWarning() throws {
        let (x, w) = try Self.operands()
        // The committed calibration of chip 1 (`hxsim calibrate --seed 1`), made at power-up at
        // the nominal temperature.
        let calibration = PackageRoot.path("calibration/chip-1.json")
        // --quiet: no progress or projected time, so stderr holds only warnings.
        let base = [
            "vmm", "--quiet", "--inputs", x, "--weights", w, "--seed", "1", "--calibration",
            calibration,
        ]
        let fresh = hxsim(base + ["--age", "3600"])
        #expect(fresh.status == 0 && fresh.err.isEmpty, "\(fresh.err)")
        let stale = hxsim(base + ["--age", "1209600"])
        #expect(stale.status == 0 && stale.err.hasPrefix("warning: chip 1:"), "\(stale.err)")
        #expect(stale.err.contains("recalibrate") && !stale.out.isEmpty)
        let warm = hxsim(base + ["--temperature", "305"])
        #expect(warm.err.contains("305"), "\(warm.err)")
    }

    @Test("hxsim budget: bad outputs and models are refused before any work, on one line")
    func budgetErrors() throws {
        let dir = try temporaryDirectory()
        try FileIO.writeAtomically("{}", to: dir + "/model.json")
        for (arguments, mention) in [
            (["budget", dir + "/missing.json", "--task", "yinyang"], "missing.json"),
            (["budget", dir + "/model.json", "--task", "yinyangg"], "yinyang"),
            (
                ["budget", dir + "/model.json", "--task", "yinyang", "--table", dir + "/t.txt"],
                ".md or .csv"
            ),
            (
                ["budget", dir + "/model.json", "--task", "yinyang", "--svg", dir + "/no/b.svg"],
                "does not exist"
            ),
        ] {
            let run = hxsim(arguments)
            #expect(run.status != 0, "\(arguments) succeeded")
            #expect(
                run.err.hasPrefix("hxsim: ") && run.err.filter { $0 == "\n" }.count == 1,
                "\(run.err)")
            #expect(run.err.contains(mention), "\(arguments): \(run.err)")
        }
    }
}
