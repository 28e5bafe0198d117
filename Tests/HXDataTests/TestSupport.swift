import Foundation
import HXIO
import Testing

/// The shared data sets folder (`../shared/datasets` from the package root, or
/// `$HXSIM_DATASETS`), if it is there. Only tests know this path; the library takes paths.
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

    static func path(_ relative: String) -> String { (directory ?? "") + "/" + relative }

    static let skipMessage: Comment =
        "shared/datasets not found beside the package (set HXSIM_DATASETS to its path)"
}

/// A fresh directory under the system's temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory.path + "/hxdata-tests-"
            + ProcessInfo.processInfo.globallyUniqueString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `contents` to `name`, creating directories on the way.
    @discardableResult
    func write(_ name: String, _ contents: [UInt8]) throws -> String {
        try FileIO.writeAtomically(Data(contents), to: file(name), createParents: true)
        return file(name)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }
}
