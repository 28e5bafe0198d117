import Foundation
import HXArguments
import HXIO
import HXNetwork
import HXPhysics

/// `hxsim mock-parameter`: hxtorch's `measure_mock_parameter` on a chip of one's own: the gain
/// and noise a mock of this chip should have.
struct MockParameterCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "mock-parameter",
            summary:
                "measure gain and noise as hxtorch's measure_mock_parameter does (all weights "
                + "21, thinned inputs of 15)")
    }

    private static let defaults = MockMeasurementOptions()

    @OptionGroup var chip: ChipOptions
    @OptionGroup var calibration: CalibrationOptions
    @OptionGroup var timing: TimingOptions
    @Option(help: "seed of the measurement's random input vectors") var measurementSeed: UInt64 = 1
    @Option(help: "input vectors at the chosen thinning", in: 2...100_000)
    var trials = defaults.trials
    @Flag(help: "print the result as one JSON object") var json = false

    func run(_ context: CommandContext) throws {
        var chip = try self.chip.chip()
        let result = try calibration.apply(to: &chip, context: context)
        var options = MockMeasurementOptions()
        options.numSends = timing.numSends
        options.waitBetweenEvents = timing.wait
        options.trials = trials
        let executor = try PhysicsExecutor(chips: [chip], corrections: [nil])
        let measured = try measureMockParameter(
            on: executor, seed: measurementSeed, options: options)
        if json {
            let record = Record(
                chipSeed: chip.seed, parameterFingerprint: chip.parameters.fingerprint,
                calibrated: result != nil, gain: measured.parameter.gain,
                noise: measured.parameter.noiseStd, keepProbability: measured.keepProbability,
                medianOutput: measured.medianOutput)
            context.out(
                String(decoding: try JSON.encode(record, pretty: false), as: UTF8.self) + "\n")
            return
        }
        context.out(
            "chip \(chip.seed)\(result == nil ? "" : ", calibrated"): gain "
                + "\(HumanFormat.significant(measured.parameter.gain, digits: 3)) LSB per unit² "
                + "per send, noise \(HumanFormat.significant(measured.parameter.noiseStd, digits: 3)) "
                + "LSB (hxtorch's defaults: 0.002 and 2.0); median output "
                + "\(HumanFormat.significant(measured.medianOutput, digits: 3)) LSB with each input "
                + "kept with probability \(HumanFormat.significant(measured.keepProbability, digits: 3))\n"
        )
    }

    /// The `--json` output.
    struct Record: Codable {
        var chipSeed: UInt64
        var parameterFingerprint: String
        var calibrated: Bool
        /// LSB per (chip unit² · send).
        var gain: Double
        /// LSB.
        var noise: Double
        var keepProbability: Double
        var medianOutput: Double
    }
}
