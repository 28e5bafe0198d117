import Foundation

/// The element types of the safetensors format (`dtype` in the header), little-endian.
public enum SafeTensorsDType: String, Sendable, CaseIterable, Codable {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case u16 = "U16"
    case i16 = "I16"
    case u32 = "U32"
    case i32 = "I32"
    case u64 = "U64"
    case i64 = "I64"
    case f16 = "F16"
    case bf16 = "BF16"
    case f32 = "F32"
    case f64 = "F64"
    case f8e4m3 = "F8_E4M3"
    case f8e5m2 = "F8_E5M2"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .u8, .i8, .f8e4m3, .f8e5m2: return 1
        case .u16, .i16, .f16, .bf16: return 2
        case .u32, .i32, .f32: return 4
        case .u64, .i64, .f64: return 8
        }
    }
}

/// One tensor of a safetensors file: element type, shape and the raw little-endian bytes in
/// row-major (C) order.
public struct SafeTensor: Sendable, Equatable {
    /// The element type.
    public var dtype: SafeTensorsDType
    /// The size of each axis; `[]` for a scalar.
    public var shape: [Int]
    /// `shape.product × dtype.size` bytes.
    public var bytes: [UInt8]

    /// A tensor from raw bytes.
    /// - Throws: ``IOError/invalidArgument(_:)`` when the byte count does not fit the shape.
    public init(dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8]) throws {
        let count = try SafeTensors.byteCount(shape: shape, dtype: dtype, source: "<tensor>")
        guard count == bytes.count else {
            throw IOError.invalidArgument(
                "a \(dtype.rawValue) tensor of shape \(shape) needs \(count) bytes, got "
                    + "\(bytes.count)")
        }
        (self.dtype, self.shape, self.bytes) = (dtype, shape, bytes)
    }

    /// An `F32` tensor of `shape` holding `values` (row-major).
    /// - Throws: ``IOError/invalidArgument(_:)`` when the count does not fit the shape.
    public init(float32 values: [Float], shape: [Int]) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        try self.init(dtype: .f32, shape: shape, bytes: bytes)
    }

    /// The number of elements.
    public var count: Int { bytes.count / dtype.size }

    /// The elements converted to `Float`: floats rounded to the nearest binary32 (F64), widened
    /// exactly (F16, BF16, F8), integers and booleans converted.
    public func floats() -> [Float] {
        var out = [Float](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { raw in
            for index in out.indices { out[index] = element(raw, index) }
        }
        return out
    }

    private func element(_ raw: UnsafeBufferPointer<UInt8>, _ index: Int) -> Float {
        let offset = index * dtype.size
        var bits: UInt64 = 0
        for byte in 0..<dtype.size { bits |= UInt64(raw[offset + byte]) << UInt64(8 * byte) }
        switch dtype {
        case .bool: return bits == 0 ? 0 : 1
        case .u8, .u16, .u32, .u64: return Float(bits)
        case .i8: return Float(Int8(truncatingIfNeeded: bits))
        case .i16: return Float(Int16(truncatingIfNeeded: bits))
        case .i32: return Float(Int32(truncatingIfNeeded: bits))
        case .i64: return Float(Int64(bitPattern: bits))
        case .f32: return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
        case .f64: return Float(Double(bitPattern: bits))
        case .bf16: return Float(bitPattern: UInt32(truncatingIfNeeded: bits) << 16)
        case .f16: return SafeTensors.minifloat(bits, exponentBits: 5, mantissaBits: 10, ieee: true)
        case .f8e5m2:
            return SafeTensors.minifloat(bits, exponentBits: 5, mantissaBits: 2, ieee: true)
        case .f8e4m3:
            return SafeTensors.minifloat(bits, exponentBits: 4, mantissaBits: 3, ieee: false)
        }
    }
}

/// The safetensors format of Hugging Face (PyTorch's `safetensors.torch.save_file`):
///
/// - 8 bytes: N, the header's length, unsigned little-endian;
/// - N bytes: the header, a UTF-8 JSON object mapping each tensor's name to
///   `{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}` and, optionally,
///   `"__metadata__"` to an object of strings; it may be padded with spaces;
/// - the data: each tensor's bytes at `begin ..< end`, relative to the end of the header.
///
/// The reader trusts nothing: the header length against the file size and a limit, the header
/// as UTF-8 JSON of exactly this shape, every dtype, every shape (integers ≥ 0, products without
/// overflow), every pair of offsets against its shape's byte count and the data's size, and
/// that the tensors tile the data without gap or overlap (as the reference implementation
/// demands). Any other byte string is an ``IOError`` naming the file and the problem; nothing
/// traps.
public enum SafeTensors {
    /// The largest header accepted, in bytes (the reference implementation's limit, 100 MB).
    public static let maxHeaderBytes = 100_000_000
    /// The key of the metadata entry.
    public static let metadataKey = "__metadata__"

    /// The tensors and metadata of one file.
    public struct Contents: Sendable, Equatable {
        /// The tensors by name.
        public var tensors: [String: SafeTensor]
        /// The string-to-string metadata (`__metadata__`), empty if absent.
        public var metadata: [String: String]

        /// Contents of `tensors` and `metadata`.
        public init(tensors: [String: SafeTensor], metadata: [String: String] = [:]) {
            self.tensors = tensors
            self.metadata = metadata
        }
    }

    /// Reads and validates the safetensors file at `path`.
    public static func read(path: String) throws -> Contents {
        try decode(FileIO.read(path: path), source: path)
    }

    /// Writes `contents` to `path` atomically (see ``encode(_:)``).
    public static func write(_ contents: Contents, to path: String) throws {
        try FileIO.writeAtomically(encode(contents), to: path)
    }

    /// The bytes of a file holding `contents`: tensors laid out in the order of their names,
    /// the header's keys sorted and padded with spaces to a multiple of 8 bytes (as the
    /// reference writer does), so equal contents give equal bytes.
    public static func encode(_ contents: Contents) throws -> Data {
        var header: [String: Any] = [:]
        if !contents.metadata.isEmpty { header[metadataKey] = contents.metadata }
        var offset = 0
        let names = contents.tensors.keys.sorted()
        for name in names {
            guard name != metadataKey else {
                throw IOError.invalidArgument("a tensor cannot be named \(metadataKey)")
            }
            let tensor = contents.tensors[name]!
            header[name] = [
                "dtype": tensor.dtype.rawValue, "shape": tensor.shape,
                "data_offsets": [offset, offset + tensor.bytes.count],
            ]
            offset += tensor.bytes.count
        }
        var json: Data
        do {
            json = try JSONSerialization.data(
                withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw IOError.encodingFailed(reason: "safetensors header: \(error)")
        }
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: json)
        for name in names { bytes.append(contentsOf: contents.tensors[name]!.bytes) }
        return Data(bytes)
    }

    /// Parses and validates the bytes of a safetensors file; `source` names it in errors.
    public static func decode(_ data: Data, source: String = "<data>") throws -> Contents {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else {
            throw IOError.truncated(
                source: source, what: "header length", expectedBytes: 8, gotBytes: bytes.count)
        }
        var length: UInt64 = 0
        for index in 0..<8 { length |= UInt64(bytes[index]) << UInt64(8 * index) }
        guard length <= UInt64(maxHeaderBytes) else {
            throw IOError.malformedHeader(
                source: source,
                reason: "header length \(length) exceeds the limit of \(maxHeaderBytes) bytes")
        }
        let headerLength = Int(length)
        guard headerLength <= bytes.count - 8 else {
            throw IOError.truncated(
                source: source, what: "header", expectedBytes: headerLength,
                gotBytes: bytes.count - 8)
        }
        guard headerLength >= 2 else {
            throw IOError.malformedHeader(
                source: source, reason: "header length \(headerLength) is too short for JSON")
        }
        let headerBytes = bytes[8..<(8 + headerLength)]
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw IOError.malformedHeader(source: source, reason: "the header is not a JSON object")
        }
        guard String(bytes: headerBytes, encoding: .utf8) != nil else {
            throw IOError.malformedHeader(source: source, reason: "the header is not UTF-8")
        }
        // HXSim's strict scanner first, as for every JSON it reads: a key given twice
        // (Foundation keeps one of them silently) and non-RFC 8259 text are refused with their
        // place in the header.
        do { try StrictJSON.check(Data(headerBytes), source: "header") } catch let error
            as IOError
        {
            throw IOError.malformedHeader(source: source, reason: "the header: \(error)")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(headerBytes))
        } catch {
            throw IOError.malformedHeader(
                source: source,
                reason: "the header is not valid JSON (\(error.localizedDescription))")
        }
        guard let header = object as? [String: Any] else {
            throw IOError.malformedHeader(source: source, reason: "the header is not a JSON object")
        }
        let dataStart = 8 + headerLength
        let dataSize = bytes.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [(name: String, dtype: SafeTensorsDType, shape: [Int], range: Range<Int>)] = []
        for (name, value) in header {
            if name == metadataKey {
                guard let map = value as? [String: Any] else {
                    throw IOError.malformedHeader(
                        source: source, reason: "\(metadataKey) is not an object of strings")
                }
                for (key, item) in map {
                    guard let text = item as? String else {
                        throw IOError.malformedHeader(
                            source: source, reason: "\(metadataKey).\(key) is not a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            let entry = try parseEntry(name: name, value: value, source: source)
            guard entry.range.upperBound <= dataSize else {
                throw IOError.truncated(
                    source: source, what: "data of tensor '\(name)'",
                    expectedBytes: entry.range.upperBound, gotBytes: dataSize)
            }
            entries.append(entry)
        }
        // The tensors must tile the data: no gap, no overlap, nothing after the last.
        var end = 0
        for entry in entries.sorted(by: {
            ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound)
        }) {
            guard entry.range.lowerBound == end else {
                throw IOError.malformedHeader(
                    source: source,
                    reason: entry.range.lowerBound < end
                        ? "tensor '\(entry.name)' overlaps another (data_offsets start at "
                            + "\(entry.range.lowerBound), before \(end))"
                        : "a gap of \(entry.range.lowerBound - end) bytes before tensor "
                            + "'\(entry.name)'")
            }
            end = entry.range.upperBound
        }
        guard end == dataSize else {
            throw IOError.sizeMismatch(source: source, expectedBytes: end, gotBytes: dataSize)
        }
        var tensors: [String: SafeTensor] = [:]
        for entry in entries {
            let range = (dataStart + entry.range.lowerBound)..<(dataStart + entry.range.upperBound)
            tensors[entry.name] = try SafeTensor(
                dtype: entry.dtype, shape: entry.shape, bytes: Array(bytes[range]))
        }
        return Contents(tensors: tensors, metadata: metadata)
    }

    /// One tensor's header entry, checked.
    private static func parseEntry(
        name: String, value: Any, source: String
    ) throws -> (name: String, dtype: SafeTensorsDType, shape: [Int], range: Range<Int>) {
        func bad(_ reason: String) -> IOError {
            IOError.malformedHeader(source: source, reason: "tensor '\(name)': \(reason)")
        }
        guard let fields = value as? [String: Any] else { throw bad("the entry is not an object") }
        for key in fields.keys where !["dtype", "shape", "data_offsets"].contains(key) {
            throw bad("unknown key '\(key)'")
        }
        guard let dtypeName = fields["dtype"] as? String else { throw bad("no dtype string") }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw IOError.unsupportedDType(source: source, dtype: dtypeName)
        }
        guard let shapeValues = fields["shape"] as? [Any] else { throw bad("no shape array") }
        let shape = try shapeValues.map { item -> Int in
            guard let value = integer(item), value >= 0 else {
                throw bad("shape \(shapeValues) holds something other than integers ≥ 0")
            }
            return value
        }
        guard let offsetValues = fields["data_offsets"] as? [Any], offsetValues.count == 2,
            let begin = integer(offsetValues[0]), let end = integer(offsetValues[1]), begin >= 0,
            begin <= end
        else {
            throw bad("data_offsets is not a pair of integers 0 ≤ begin ≤ end")
        }
        let expected = try byteCount(shape: shape, dtype: dtype, source: source)
        guard end - begin == expected else {
            throw bad(
                "data_offsets [\(begin), \(end)] hold \(end - begin) bytes, a \(dtype.rawValue) "
                    + "tensor of shape \(shape) needs \(expected)")
        }
        return (name, dtype, shape, begin..<end)
    }

    /// An exact non-negative integer from a JSON number (not a boolean, not a fraction).
    private static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        // Booleans decode as NSNumber too; their type is 'c'.
        if String(cString: number.objCType) == "c" { return nil }
        let double = number.doubleValue
        guard double.isFinite, double == double.rounded(), abs(double) < 9.0e15 else {
            return nil
        }
        return Int(double)
    }

    /// The bytes of a tensor of `shape`, without overflow.
    static func byteCount(shape: [Int], dtype: SafeTensorsDType, source: String) throws -> Int {
        var count = dtype.size
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, size >= 0 else {
                throw IOError.malformedHeader(source: source, reason: "shape \(shape) is too large")
            }
            count = product
        }
        return count
    }

    /// A small float of `exponentBits` and `mantissaBits` widened to `Float`. `ieee`: the top
    /// exponent is infinity/NaN (F16, F8_E5M2); otherwise only all ones is NaN (F8_E4M3, whose
    /// largest finite value is 448).
    static func minifloat(
        _ bits: UInt64, exponentBits: Int, mantissaBits: Int, ieee: Bool
    )
        -> Float
    {
        let sign: Float = (bits >> UInt64(exponentBits + mantissaBits)) & 1 == 1 ? -1 : 1
        let exponentMask = (UInt64(1) << UInt64(exponentBits)) - 1
        let exponent = Int((bits >> UInt64(mantissaBits)) & exponentMask)
        let mantissa = Int(bits & ((UInt64(1) << UInt64(mantissaBits)) - 1))
        let bias = (1 << (exponentBits - 1)) - 1
        let scale = Float(1 << mantissaBits)
        if exponent == Int(exponentMask) {
            if ieee { return mantissa == 0 ? sign * .infinity : .nan }
            if mantissa == (1 << mantissaBits) - 1 { return .nan }
        }
        if exponent == 0 {
            return sign * Float(mantissa) / scale
                * Float(sign: .plus, exponent: 1 - bias, significand: 1)
        }
        return sign * (1 + Float(mantissa) / scale)
            * Float(sign: .plus, exponent: exponent - bias, significand: 1)
    }
}
