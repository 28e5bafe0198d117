import Foundation
import HXIO

/// A fresh directory under the system's temporary directory, removed when released.
public final class TemporaryDirectory {
    /// The directory's absolute path.
    public let path: String

    /// Creates `<tmp>/<label>-<unique>`.
    public init(label: String = "hxsim-tests") throws {
        path = try temporaryDirectory(label)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `contents` to `name`, creating directories on the way; returns the path.
    @discardableResult
    public func write(_ name: String, _ contents: [UInt8]) throws -> String {
        try FileIO.writeAtomically(Data(contents), to: file(name))
        return file(name)
    }

    /// Writes `text` (UTF-8) to `name`; returns the path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }
}

/// A fresh directory `<tmp>/<label>-<unique>` that outlives the call (for tests whose files
/// are read by other processes or kept for inspection); returns its path.
public func temporaryDirectory(_ label: String = "hxsim-tests") throws -> String {
    let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
