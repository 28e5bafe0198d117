import Foundation
import HXApplications
import HXIO
import Testing

/// The shared data sets folder (`../shared/datasets` from the package root, or
/// `$HXSIM_DATASETS`), if it is there.
enum SharedDatasets {
    static let directory: String? = {
        if let override = ProcessInfo.processInfo.environment["HXSIM_DATASETS"] {
            return FileManager.default.fileExists(atPath: override) ? override : nil
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = packageRoot.deletingLastPathComponent().appendingPathComponent(
            "shared/datasets"
        ).path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    static var available: Bool { directory != nil }

    /// The search order the tests use: the shared folder, then the system's.
    static var location: DataLocation {
        DataLocation(roots: [directory ?? "/nonexistent", DataLocation.systemRoot])
    }

    static let skipMessage: Comment =
        "shared/datasets not found beside the package (set HXSIM_DATASETS to its path)"
}

/// A fresh directory under the system's temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory.path + "/hxapps-tests-"
            + ProcessInfo.processInfo.globallyUniqueString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `contents` to `name`, creating directories on the way.
    @discardableResult
    func write(_ name: String, _ contents: Data) throws -> String {
        try FileIO.writeAtomically(contents, to: file(name), createParents: true)
        return file(name)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    /// The files below the directory, relative paths.
    var contents: [String] {
        (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
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
