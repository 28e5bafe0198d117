import Foundation
import HXTestSupport
import Testing

@testable import HXIO

/// A safetensors file from a header text and data bytes.
func safetensorsFile(header: String, data: [UInt8]) -> Data {
    var bytes = [UInt8]()
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
    return Data(bytes + Array(header.utf8) + data)
}

@Suite("safetensors files")
struct SafeTensorsTests {
    @Test("a file written by PyTorch's safetensors reads as the values PyTorch saved")
    func readsPyTorch() throws {
        let contents = try SafeTensors.read(path: fixture("torch-dtypes.safetensors"))
        let t = contents.tensors
        #expect(
            Set(t.keys) == [
                "f32", "f64", "f16", "bf16", "i64", "i8", "u8", "bool", "scalar", "empty",
            ])
        #expect(t["f32"]?.floats() == [1.5, -2.0, 3.25])
        #expect(t["f64"]?.shape == [1, 2])
        #expect(t["f64"]?.floats() == [Float(0.1), Float(-0.2)])
        // 6e-8 in float16 is the subnormal 2⁻²⁴; −65504 the largest finite half.
        #expect(
            t["f16"]?.floats() == [0.5, -65504, Float(sign: .plus, exponent: -24, significand: 1)])
        #expect(t["bf16"]?.floats() == [1, -3.0040553e38, 0.0078125])
        #expect(t["i64"]?.floats() == [-7, 1_099_511_627_776])
        #expect(t["i8"]?.floats() == [-128, 127])
        #expect(t["u8"]?.floats() == [0, 255])
        #expect(t["bool"]?.floats() == [1, 0])
        #expect(t["scalar"]?.shape == [] && t["scalar"]?.floats() == [2.5])
        #expect(t["empty"]?.shape == [0, 3] && t["empty"]?.count == 0)
    }

    @Test("writing then reading gives the same tensors and metadata; equal contents, equal bytes")
    func roundTrip() throws {
        let contents = SafeTensors.Contents(
            tensors: [
                "b": try SafeTensor(float32: [1, -2, .pi, 0, -0.0, 1e-40], shape: [2, 3]),
                "a": try SafeTensor(dtype: .i8, shape: [3], bytes: [0xFF, 0x00, 0x7F]),
                "z": try SafeTensor(dtype: .f64, shape: [0], bytes: []),
            ], metadata: ["format": "pt", "note": "ünïcode \"quoted\""])
        let data = try SafeTensors.encode(contents)
        #expect(try SafeTensors.decode(data) == contents)
        #expect(try SafeTensors.encode(SafeTensors.decode(data)) == data)
        // The header is padded to 8 bytes, as the reference writer does.
        let length = data.prefix(8).enumerated().reduce(0) {
            $0 | Int($1.element) << (8 * $1.offset)
        }
        #expect(length % 8 == 0)
    }

    @Test("a file it writes reads back bit for bit through the fixture's tensors")
    func rewriteFixture() throws {
        let original = try SafeTensors.read(path: fixture("torch-state-dict.safetensors"))
        let directory = try TemporaryDirectory()
        try SafeTensors.write(original, to: directory.file("copy.safetensors"))
        #expect(try SafeTensors.read(path: directory.file("copy.safetensors")) == original)
    }

    /// A damaged header, the number of (zero) data bytes after it, and words of the error.
    struct DamagedCase: Sendable, CustomTestStringConvertible {
        var header: String
        var dataBytes: Int
        var message: String
        var testDescription: String { message }
    }

    /// The header of one tensor `a` with the given JSON texts for its fields, and `extra` keys.
    static func tensorA(
        dtype: String = "F32", shape: String, offsets: String = "[0,4]", extra: String = ""
    ) -> String {
        "{\"a\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)\(extra)}}"
    }

    static let damagedCases: [DamagedCase] = [
        DamagedCase(
            header: tensorA(shape: "[2]"), dataBytes: 4, message: "needs 8"),
        DamagedCase(
            header: tensorA(dtype: "F33", shape: "[1]"), dataBytes: 4, message: "F33"),
        DamagedCase(
            header: tensorA(shape: "[-1]"), dataBytes: 4, message: "integers ≥ 0"),
        DamagedCase(
            header: tensorA(shape: "[1.5]"), dataBytes: 4, message: "integers ≥ 0"),
        DamagedCase(
            header: tensorA(shape: "[true]"), dataBytes: 4, message: "integers ≥ 0"),
        DamagedCase(
            header: tensorA(shape: "[1]", offsets: "[4,0]"), dataBytes: 4, message: "begin ≤ end"),
        DamagedCase(
            header: tensorA(shape: "[1]"), dataBytes: 8, message: "shape needs 4"),
        DamagedCase(
            header: tensorA(shape: "[2]", offsets: "[0,8]"), dataBytes: 4, message: "truncated"),
        DamagedCase(
            header:
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}",
            dataBytes: 8, message: "overlaps"),
        DamagedCase(
            header: tensorA(shape: "[1]", offsets: "[4,8]"), dataBytes: 8, message: "gap"),
        DamagedCase(
            header: tensorA(shape: "[4000000000000000,4000]"), dataBytes: 4, message: "too large"),
        DamagedCase(
            header: tensorA(shape: "[1]", extra: ",\"x\":1"), dataBytes: 4, message: "unknown key"),
        DamagedCase(header: "{\"__metadata__\":{\"k\":1}}", dataBytes: 0, message: "not a string"),
        DamagedCase(header: "[1, 2]", dataBytes: 0, message: "not a JSON object"),
        DamagedCase(header: "{\"a\": ", dataBytes: 0, message: "not valid JSON"),
        DamagedCase(header: "{\"a\":[]}", dataBytes: 0, message: "not an object"),
        DamagedCase(
            header:
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            dataBytes: 4, message: "has the key 'a' twice"),
    ]

    @Test("damaged headers are refused with a message naming the problem", arguments: damagedCases)
    func damaged(_ damaged: DamagedCase) {
        let (header, message) = (damaged.header, damaged.message)
        let bytes = safetensorsFile(
            header: header, data: [UInt8](repeating: 0, count: damaged.dataBytes))
        do {
            _ = try SafeTensors.decode(bytes, source: "bad.safetensors")
            Issue.record("accepted \(header)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
            #expect("\(error)".contains("bad.safetensors"), "\(error)")
        }
    }

    @Test(
        "header lengths beyond the file or the limit, and files shorter than 8 bytes, are refused")
    func lengths() throws {
        #expect(throws: IOError.self) { try SafeTensors.decode(Data([1, 2, 3])) }
        var huge = [UInt8](repeating: 0xFF, count: 8)
        huge += Array("{}".utf8)
        #expect(throws: IOError.self) { try SafeTensors.decode(Data(huge)) }
        var beyond = [UInt8]()
        withUnsafeBytes(of: UInt64(1000).littleEndian) { beyond.append(contentsOf: $0) }
        beyond += Array("{}".utf8)
        #expect(throws: IOError.self) { try SafeTensors.decode(Data(beyond)) }
        // An empty header object is a valid file without tensors.
        #expect(try SafeTensors.decode(safetensorsFile(header: "{}", data: [])).tensors.isEmpty)
    }

    @Test("no byte string traps: every truncation and every single-byte change decodes or throws")
    func neverTraps() throws {
        let valid = [UInt8](try FileIO.read(path: fixture("torch-dtypes.safetensors")))
        var outcomes = (accepted: 0, refused: 0)
        func attempt(_ bytes: [UInt8]) {
            if (try? SafeTensors.decode(Data(bytes))) != nil {
                outcomes.accepted += 1
            } else {
                outcomes.refused += 1
            }
        }
        for length in 0..<valid.count { attempt(Array(valid.prefix(length))) }
        for index in valid.indices {
            for value: UInt8 in [0x00, 0x22, 0x2C, 0x39, 0x5D, 0x7D, 0xFF]
            where valid[index] != value {
                var changed = valid
                changed[index] = value
                attempt(changed)
            }
        }
        // Every strict prefix is refused (the data no longer tiles); changes inside the data
        // bytes are accepted (they are just other numbers).
        #expect(outcomes.refused >= valid.count)
        #expect(outcomes.accepted > 0)
    }
}
