import Foundation
import HXNetwork
import HXPhysics

/// Validation of what arrives through the C ABI, before any library code sees it: sizes that
/// fit in memory without overflow, non-null pointers, known enumeration values, UTF-8 strings.
/// Library code may trap on an overflowing size or a dangling buffer; it never gets one.
enum Check {
    /// The largest element count of one array crossing the boundary: the front end's
    /// ``TensorLimits/maxElements`` (2²⁸, 1 GiB of floats).
    static let maxElements = TensorLimits.maxElements
    /// The largest single size, stride or padding: the front end's ``TensorLimits/maxExtent``
    /// (2²⁴), far beyond any chip layer, and small enough that sums and products of a few of
    /// them cannot overflow.
    static let maxExtent = TensorLimits.maxExtent

    /// `value` as an `Int` in `minimum...maxExtent`.
    static func extent(_ value: Int64, _ name: String, minimum: Int64 = 1) throws -> Int {
        guard value >= minimum, value <= Int64(maxExtent) else {
            throw BoundaryError.invalidArgument(
                "\(name) is \(value), expected \(minimum)…\(maxExtent)")
        }
        return Int(value)
    }

    /// The product of `extents`, which must not exceed ``maxElements``.
    static func elements(_ extents: [Int], _ name: String) throws -> Int {
        guard let product = TensorLimits.elements(extents) else {
            throw BoundaryError.invalidArgument(
                "\(name) of shape \(extents) has more than \(maxElements) elements")
        }
        return product
    }

    /// A non-null pointer.
    static func pointer<T>(_ pointer: UnsafePointer<T>?, _ name: String) throws -> UnsafePointer<T>
    {
        guard let pointer else { throw BoundaryError.invalidArgument("\(name) is NULL") }
        return pointer
    }

    /// A non-null output pointer.
    static func output<T>(
        _ pointer: UnsafeMutablePointer<T>?, _ name: String
    ) throws -> UnsafeMutablePointer<T> {
        guard let pointer else { throw BoundaryError.invalidArgument("\(name) is NULL") }
        return pointer
    }

    /// The `count` elements at a non-null `pointer`, copied in one block (a memcpy for the
    /// plain numbers that cross the boundary; an element-wise copy cost a 1000 × 128 input
    /// about a millisecond).
    static func array<T: BitwiseCopyable>(
        _ pointer: UnsafePointer<T>?, count: Int, _ name: String
    ) throws -> [T] {
        let start = try self.pointer(pointer, name)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(
                    from: start, byteCount: count * MemoryLayout<T>.stride)
            }
            initialized = count
        }
    }

    /// A NUL-terminated UTF-8 string.
    static func string(_ pointer: UnsafePointer<CChar>?, _ name: String) throws -> String {
        let start = try self.pointer(pointer, name)
        guard let text = String(validatingCString: start) else {
            throw BoundaryError.invalidArgument("\(name) is not UTF-8 text")
        }
        return text
    }

    /// An output buffer's element count, which must equal what the call produces.
    static func outputCount(_ given: Int64, expected: Int, _ name: String) throws {
        guard given == Int64(expected) else {
            throw BoundaryError.invalidArgument(
                "\(name) holds \(given) elements, the result has \(expected)")
        }
    }

    /// An integrator code of the header.
    static func integrator(_ code: Int32) throws -> Integrator {
        switch code {
        case 0: return .fast
        case 1: return .gsl
        default:
            throw BoundaryError.invalidArgument(
                "integrator is \(code), expected HXSIM_INTEGRATOR_FAST (0) or HXSIM_INTEGRATOR_GSL (1)"
            )
        }
    }
}
