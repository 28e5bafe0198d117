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
    public func write(_ name: String, _ contents: Data) throws -> String {
        try FileIO.writeAtomically(contents, to: file(name), createParents: true)
        return file(name)
    }

    /// Writes `contents` to `name`, creating directories on the way; returns the path.
    @discardableResult
    public func write(_ name: String, _ contents: [UInt8]) throws -> String {
        try write(name, Data(contents))
    }

    /// Writes `text` (UTF-8) to `name`; returns the path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    /// The files and folders below the directory, as paths relative to it.
    public var contents: [String] {
        (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
    }
}

/// A fresh directory `<tmp>/<label>-<unique>` that outlives the call (for tests whose files
/// are read by other processes or kept for inspection); returns its path.
public func temporaryDirectory(_ label: String = "hxsim-tests") throws -> String {
    let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
