import Foundation

extension NumPy {
    /// A NumPy element type (`descr`): kind, size in bytes, byte order.
    struct DType: Equatable {
        enum Kind: Equatable { case signed, unsigned, float, bool }
        let kind: Kind
        let size: Int
        let bigEndian: Bool

        /// Parses a descriptor such as `<f8`, `>i4`, `|u1` or `|b1`.
        init(descriptor: String, source: String) throws {
            let unsupported = IOError.unsupportedDType(source: source, dtype: descriptor)
            let characters = Array(descriptor)
            guard characters.count >= 3, let size = Int(String(characters[2...])) else {
                throw unsupported
            }
            switch characters[0] {
            case "<", "|", "=": bigEndian = false  // "=" is native: little on HXSim's hosts
            case ">": bigEndian = true
            default: throw unsupported
            }
            switch (characters[1], size) {
            case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
            case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
            case ("f", 4), ("f", 8): kind = .float
            case ("b", 1): kind = .bool
            default: throw unsupported
            }
            self.size = size
        }

        /// The element at byte `offset` as a `Double`; `index` names it in errors.
        func value(_ bytes: [UInt8], at offset: Int, index: Int, source: String) throws -> Double {
            var bits: UInt64 = 0
            for byte in 0..<size {
                let shift = bigEndian ? 8 * (size - 1 - byte) : 8 * byte
                bits |= UInt64(bytes[offset + byte]) << UInt64(shift)
            }
            switch kind {
            case .bool:
                return bits == 0 ? 0 : 1
            case .float:
                return size == 4
                    ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
                    : Double(bitPattern: bits)
            case .unsigned:
                guard let value = Double(exactly: bits) else {
                    throw IOError.inexactValue(source: source, index: index, value: "\(bits)")
                }
                return value
            case .signed:
                // Sign-extend from `size` bytes.
                let shift = UInt64(64 - 8 * size)
                let signed = Int64(bitPattern: bits << shift) >> Int64(shift)
                guard let value = Double(exactly: signed) else {
                    throw IOError.inexactValue(source: source, index: index, value: "\(signed)")
                }
                return value
            }
        }
    }
}
