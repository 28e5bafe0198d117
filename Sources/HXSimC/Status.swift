import Foundation
import HXCalibration
import HXIO
import HXNetwork
import HXPhysics

#if canImport(Glibc)
    import Glibc
#endif

/// The ABI version of this library, `HXSIM_ABI_VERSION` of `include/hxsim.h`.
public let abiVersion: UInt32 = 1

/// The status codes of `include/hxsim.h`, one per category of error.
public enum Status: Int32, Sendable {
    case ok = 0
    case invalidArgument = 1
    case invalidHandle = 2
    case io = 3
    case physics = 4
    case calibration = 5
    case network = 6
    case `internal` = 7
}

/// An error detected at the boundary, before any library code runs on the value.
public enum BoundaryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A pointer, size, count or enumeration value that is not acceptable; the text names the
    /// argument and says what it must be.
    case invalidArgument(String)
    /// A handle that is unknown (freed or never created) or of another kind.
    case invalidHandle(String)

    public var description: String {
        switch self {
        case .invalidArgument(let text): return text
        case .invalidHandle(let text): return text
        }
    }

    var status: Status {
        switch self {
        case .invalidArgument: return .invalidArgument
        case .invalidHandle: return .invalidHandle
        }
    }
}

/// The per-thread message of the last failing call (`hxsimLastError`).
///
/// C callers read the message through a `const char *` after the call returned, so it must
/// outlive the call; a thread-local heap copy, freed when replaced or when the thread ends, does
/// that without any state shared between threads.
enum LastError {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in free(pointer) }
        return key
    }()

    private static let empty: StaticString = ""

    /// Replaces this thread's message.
    static func set(_ message: String) {
        let copy = strdup(message)
        let old = pthread_getspecific(key)
        pthread_setspecific(key, copy)
        free(old)
    }

    /// This thread's message, or "".
    static var pointer: UnsafePointer<CChar> {
        if let value = pthread_getspecific(key) {
            return UnsafePointer(value.assumingMemoryBound(to: CChar.self))
        }
        return UnsafeRawPointer(empty.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// This thread's message as a Swift string.
    static var message: String { String(cString: pointer) }
}

/// The status of `error` and its one-line message, as `hxsim` prints it (after "hxsim: ").
func classify(_ error: any Error) -> (Status, String) {
    let message = String(describing: error).split(whereSeparator: \.isNewline).joined(
        separator: " ")
    switch error {
    case let error as BoundaryError: return (error.status, message)
    case is IOError: return (.io, message)
    case is PhysicsError: return (.physics, message)
    case is CalibrationError: return (.calibration, message)
    case is NetworkError: return (.network, message)
    default: return (.internal, message)
    }
}

/// Runs `body`, turning a thrown error into its status and this thread's last-error message.
/// Every exported function goes through here, so no Swift error crosses the boundary.
func guarded(_ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return Status.ok.rawValue
    } catch {
        let (status, message) = classify(error)
        LastError.set(message)
        return status.rawValue
    }
}
