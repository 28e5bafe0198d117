import Foundation

/// The objects behind the ABI's handles.
///
/// Handles are numbers, not pointers, so that a freed, forged or mistyped handle is an error the
/// library can report instead of memory it would read: C and Python callers cannot be trusted to
/// keep pointers alive. Numbers are never reused. This table is the one piece of shared mutable
/// state of the library; it only maps numbers to objects, under a lock, and each object carries
/// its own lock for its state.
final class HandleTable: @unchecked Sendable {
    /// The table of this process.
    static let shared = HandleTable()

    private let lock = NSLock()
    private var next: UInt64 = 1
    private var objects: [UInt64: AnyObject] = [:]

    /// Registers `object` and returns its new handle (never 0).
    func insert(_ object: AnyObject) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        let handle = next
        next += 1
        objects[handle] = object
        return handle
    }

    /// The object of `handle` if it is a `T`.
    /// - Throws: ``BoundaryError/invalidHandle(_:)`` naming the kind expected.
    func object<T: AnyObject>(_ handle: UInt64, as type: T.Type, kind: String) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try lookUp(handle, as: type, kind: kind)
    }

    /// Removes `handle` if it is a `T` (atomically: of two concurrent frees one fails); calls
    /// still running on the object finish normally.
    func remove<T: AnyObject>(_ handle: UInt64, as type: T.Type, kind: String) throws {
        lock.lock()
        defer { lock.unlock() }
        _ = try lookUp(handle, as: type, kind: kind)
        objects[handle] = nil
    }

    /// The lookup; the caller holds the lock.
    private func lookUp<T: AnyObject>(_ handle: UInt64, as type: T.Type, kind: String) throws -> T {
        guard let found = objects[handle] else {
            throw BoundaryError.invalidHandle(
                "\(kind) handle \(handle) is not valid: it was freed or never created")
        }
        guard let object = found as? T else {
            throw BoundaryError.invalidHandle("handle \(handle) is not a \(kind)")
        }
        return object
    }
}
