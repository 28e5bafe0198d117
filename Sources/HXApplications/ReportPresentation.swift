import Foundation
import HXIO
import HXNetwork

extension Experiment.Report {
    /// The back ends of the report, in table order, with how to read each chip's value.
    var backends: [(key: String, label: String, value: (Experiment.ChipResult) -> Double?)] {
        let parameter = trainingParameter
        let mock = String(
            format: "mock (hxtorch's model, measured gain %.5f, noise %.2f LSB)", parameter.gain,
            parameter.noiseStd)
        let calibrated = chips.contains { $0.physicsCalibrated != nil }
        var rows: [(String, String, (Experiment.ChipResult) -> Double?)] = [
            ("software", "software (float, ideal linear chip model)", { _ in self.software }),
            ("mock", mock, { $0.mock }),
            (
                "physics_deployed", "simulated chip, software-trained, uncalibrated",
                {
                    $0.physicsDeployed
                }
            ),
        ]
        if calibrated {
            rows.append(
                (
                    "physics_calibrated", "simulated chip, software-trained, calibrated",
                    {
                        $0.physicsCalibrated
                    }
                ))
        }
        rows.append(
            (
                "physics_hil",
                "simulated chip\(calibrated ? " (calibrated)" : ""), fine-tuned with the chip in the loop"
                    + (backward == .chip ? " (chip-aware backward)" : ""),
                { $0.physicsHIL }
            ))
        return rows
    }

    /// Test accuracy per back end: mean ± σ over the chip seeds and each seed's value, in %.
    public func accuracyTable() throws -> Table {
        let seeds = chips.map { "chip \($0.chipSeed)" }
        var rows: [[TableCell]] = []
        for backend in backends {
            let stats = statistics(backend.value)
            var row: [TableCell] = [
                .text(backend.label),
                .number((stats?.mean ?? 0) * 100), .number((stats?.std ?? 0) * 100),
            ]
            row += chips.map { chip in backend.value(chip).map { .number($0 * 100) } ?? .missing }
            rows.append(row)
        }
        return try Table(
            header: ["\(task): back end", "test accuracy %", "σ over chips"] + seeds, rows: rows)
    }

    /// The JSON summary: the keys of the Yin-Yang output (`software`, `mock`,
    /// `physics_deployed`, `physics_calibrated`, `physics_hil`, means over chip seeds, as
    /// fractions), their standard deviations under `std`, each chip under `chips`, and
    /// `task`, `num_sends`, `measured_mock_parameter`, `sizes`, `seconds`, and `runtime` (the
    /// analyses of where the time goes).
    public func jsonSummary() throws -> Data {
        var means: [String: Double] = [:]
        var deviations: [String: Double] = [:]
        for backend in backends {
            guard let stats = statistics(backend.value) else { continue }
            means[backend.key] = stats.mean
            deviations[backend.key] = stats.std
        }
        let summary = JSONSummary(
            task: task, software: means["software"] ?? software, mock: means["mock"] ?? 0,
            physicsDeployed: means["physics_deployed"] ?? 0,
            physicsCalibrated: means["physics_calibrated"], physicsHIL: means["physics_hil"] ?? 0,
            std: deviations, chips: chips, numSends: numSends,
            measuredMockParameter: trainingParameter, sizes: sizes, seconds: seconds,
            backward: backward.rawValue, runtime: [training, inference].compactMap { $0 })
        return try JSON.encode(summary, pretty: false)
    }

    /// The runtime analyses as one text block (tables of host and projected chip time).
    public func runtimeText() throws -> String {
        var text = ""
        for analysis in [training, inference].compactMap({ $0 }) {
            text += "\n" + (try analysis.table().markdown(precision: 3))
        }
        return text
    }
}

/// See ``Experiment/Report/jsonSummary()``.
private struct JSONSummary: Encodable {
    var task: String
    var software: Double
    var mock: Double
    var physicsDeployed: Double
    var physicsCalibrated: Double?
    var physicsHIL: Double
    var std: [String: Double]
    var chips: [Experiment.ChipResult]
    var numSends: [Int]
    var measuredMockParameter: MockParameter
    var sizes: [String: Int]
    var seconds: [String: Double]
    var backward: String
    var runtime: [RuntimeAnalysis]

    enum CodingKeys: String, CodingKey {
        case task, software, mock, std, chips, sizes, seconds, backward, runtime
        case physicsDeployed = "physics_deployed"
        case physicsCalibrated = "physics_calibrated"
        case physicsHIL = "physics_hil"
        case numSends = "num_sends"
        case measuredMockParameter = "measured_mock_parameter"
    }
}
