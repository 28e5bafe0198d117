import Foundation
import HXApplications
import HXTestSupport
import Testing

extension SharedDatasets {
    /// The search order the application tests use: the data sets folder beside the checkout, then the system's.
    static var location: DataLocation {
        DataLocation(roots: [directory ?? "/nonexistent", DataLocation.systemRoot])
    }

    /// Whether a test that needs `files` of the data sets folder can run, and why not (a trait).
    static func needs(_ files: String...) -> ConditionTrait {
        .enabled(
            if: files.allSatisfy { has($0) },
            Comment(rawValue: skipMessage(files)))
    }
}

/// A small folder in UCI HAR's published layout: `train/`, `test/`, each with `y_<split>.txt`
/// and the nine `Inertial Signals/<signal>_<split>.txt` of 128 values per line. Class `c`
/// (activity c + 1) has a sine of 4 (c + 1) cycles per window and amplitude 0.2 (c + 1) in
/// every channel, with seeded noise, so a network can tell the classes apart.
enum SyntheticHAR {
    static let signals = [
        "body_acc_x", "body_acc_y", "body_acc_z", "body_gyro_x", "body_gyro_y", "body_gyro_z",
        "total_acc_x", "total_acc_y", "total_acc_z",
    ]

    /// A new temporary folder with `perClass[split]` samples of each class per split, and the
    /// location that finds the data set there.
    static func folder(
        perClass: [String: Int]
    ) throws -> (folder: TemporaryDirectory, location: DataLocation) {
        let folder = try TemporaryDirectory()
        try write(into: folder, perClass: perClass)
        return (folder, DataLocation(roots: [folder.path]))
    }

    static func write(into root: TemporaryDirectory, perClass: [String: Int]) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func noise() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        for (split, count) in perClass {
            var labels = ""
            var channels = [String](repeating: "", count: signals.count)
            for sample in 0..<(count * 6) {
                let activity = sample % 6
                labels += "\(activity + 1)\n"
                for channel in signals.indices {
                    let phase = Double(channel) * 0.3
                    let values = (0..<128).map { step in
                        sin(2 * Double.pi * Double(4 * (activity + 1)) * Double(step) / 128 + phase)
                            * 0.2 * Double(activity + 1) + 0.1 * noise()
                    }
                    channels[channel] +=
                        values.map { String(format: "%.6e", $0) }.joined(separator: " ") + "\n"
                }
            }
            try root.write("\(split)/y_\(split).txt", labels)
            for (channel, name) in signals.enumerated() {
                try root.write("\(split)/Inertial Signals/\(name)_\(split).txt", channels[channel])
            }
        }
    }
}
