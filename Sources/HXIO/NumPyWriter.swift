import Foundation
import HXNumerics

/// An element type that ``NumPy`` can write: it names its little-endian dtype and appends its
/// bytes.
public protocol NumPyElement: Sendable {
    /// The NumPy dtype descriptor, for example `<f8`.
    static var numpyDescriptor: String { get }
    /// Appends the little-endian bytes of `self`.
    func appendLittleEndianBytes(to bytes: inout [UInt8])
}

extension Double: NumPyElement {
    public static var numpyDescriptor: String { "<f8" }
    public func appendLittleEndianBytes(to bytes: inout [UInt8]) {
        bitPattern.appendLittleEndianBytes(to: &bytes)
    }
}

extension Float: NumPyElement {
    public static var numpyDescriptor: String { "<f4" }
    public func appendLittleEndianBytes(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

extension Int64: NumPyElement {
    public static var numpyDescriptor: String { "<i8" }
    public func appendLittleEndianBytes(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: littleEndian) { bytes.append(contentsOf: $0) }
    }
}

extension Int: NumPyElement {
    public static var numpyDescriptor: String { "<i8" }
    public func appendLittleEndianBytes(to bytes: inout [UInt8]) {
        Int64(self).appendLittleEndianBytes(to: &bytes)
    }
}

extension Int8: NumPyElement {
    public static var numpyDescriptor: String { "|i1" }
    public func appendLittleEndianBytes(to bytes: inout [UInt8]) {
        bytes.append(UInt8(bitPattern: self))
    }
}

extension UInt64 {
    fileprivate func appendLittleEndianBytes(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: littleEndian) { bytes.append(contentsOf: $0) }
    }
}

extension NumPy {
    /// The matrix as the bytes of a version 1.0 `.npy` file: a C-order 2-D array of shape
    /// `(rows, columns)`, header padded with spaces so that the data starts at a multiple of
    /// 64 bytes, as NumPy writes it.
    public static func encode<Element: NumPyElement>(_ matrix: Matrix<Element>) -> Data {
        var header =
            "{'descr': '\(Element.numpyDescriptor)', 'fortran_order': False, "
            + "'shape': (\(matrix.rows), \(matrix.columns)), }"
        // Preamble (10 bytes) + header + "\n" must be a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes = magic + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + matrix.count * 8)
        for element in matrix.storage { element.appendLittleEndianBytes(to: &bytes) }
        return Data(bytes)
    }

    /// Writes the matrix as a version 1.0 `.npy` file (see ``encode(_:)``) to `path`,
    /// atomically.
    public static func write<Element: NumPyElement>(
        _ matrix: Matrix<Element>, to path: String
    ) throws {
        try FileIO.writeAtomically(encode(matrix), to: path)
    }
}
