import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXIO

/// A `.npy` file built by hand: preamble of `version`, the header padded with spaces to a
/// multiple of 64 bytes, then `data`.
func handMadeNPY(header: String, data: [UInt8], version: UInt8 = 1) -> Data {
    let lengthSize = version == 1 ? 2 : 4
    var text = header
    while (6 + 2 + lengthSize + text.utf8.count + 1) % 64 != 0 { text += " " }
    text += "\n"
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
    let length = text.utf8.count
    for index in 0..<lengthSize { bytes.append(UInt8((length >> (8 * index)) & 0xFF)) }
    return Data(bytes + Array(text.utf8) + data)
}

@Suite("NumPy .npy files")
struct NumPyTests {
    @Test("a file written by numpy.save (int16, 2 × 3) reads as its values")
    func numpyWrittenInt16() throws {
        // np.save of np.array([[1, -2, 3], [-4, 5, -6]], dtype='<i2'), bytes from NumPy 2.4.
        let data = Data(
            bytes(
                hex: "934e554d5059010076007b276465736372273a20273c6932272c2027666f727472616e5f"
                    + "6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d2020"
                    + String(repeating: "20", count: 56) + "0a0100feff0300fcff0500faff"))
        let matrix = try NumPy.decodeMatrix(data)
        #expect(matrix.shape == [2, 3])
        #expect(matrix.storage == [1, -2, 3, -4, 5, -6])
    }

    @Test("fortran_order True data is transposed into row-major order")
    func fortranOrder() throws {
        // Column-major float32 data of [[1.5, 2.5, 3.5], [4.5, 5.5, 6.5]] as numpy writes it.
        let data = handMadeNPY(
            header: "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
            data: bytes(hex: "0000c03f 00009040 00002040 0000b040 00006040 0000d040"))
        let matrix = try NumPy.decodeMatrix(data)
        #expect(matrix.storage == [1.5, 2.5, 3.5, 4.5, 5.5, 6.5])
    }

    @Test("versions 2.0 and 3.0, big-endian types and 1-D arrays as 1 × n rows")
    func versionsAndOrientation() throws {
        let v2 = handMadeNPY(
            header: "{'descr': '>u4', 'fortran_order': False, 'shape': (3,), }",
            data: [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 1, 0], version: 2)
        let row = try NumPy.decodeMatrix(v2)
        #expect(row.shape == [1, 3])
        #expect(row.storage == [1, 2, 256])
        let v3 = handMadeNPY(
            header: "{'shape': (2, 1), 'fortran_order': False, 'descr': '>f8'}",
            data: bytes(hex: "3ff0000000000000 c000000000000000"), version: 3)
        #expect(try NumPy.decodeMatrix(v3).storage == [1, -2])
        let scalar = handMadeNPY(
            header: "{'descr': '|b1', 'fortran_order': False, 'shape': (), }", data: [1])
        #expect(try NumPy.decodeMatrix(scalar).shape == [1, 1])
    }

    @Test(
        "every supported dtype decodes its extreme values",
        arguments: [
            ("|i1", [0x80, 0x7F], [-128.0, 127]),
            ("<i2", [0x00, 0x80, 0xFF, 0x7F], [-32768, 32767]),
            ("<i4", [0x00, 0x00, 0x00, 0x80, 0xFF, 0xFF, 0xFF, 0xFF], [-2_147_483_648, -1]),
            (
                "<i8", [0, 0, 0, 0, 0, 0, 0x20, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
                [9_007_199_254_740_992, -1]
            ),
            ("|u1", [0, 255], [0, 255]),
            ("<u2", [0xFF, 0xFF, 0x01, 0x00], [65535, 1]),
            ("<u4", [0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0x00, 0x00, 0x00], [4_294_967_295, 2]),
            (
                "<u8", [7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0],
                [7, 4_503_599_627_370_496]
            ),
            ("<f4", [0x00, 0x00, 0x80, 0xBF, 0x00, 0x00, 0x00, 0x3F], [-1, 0.5]),
            ("<f8", [0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0x04, 0xC0], [1, -2.5]),
            ("|b1", [0, 1], [0, 1]),
        ] as [(String, [UInt8], [Double])])
    func dtypes(descriptor: String, data: [UInt8], expected: [Double]) throws {
        let file = handMadeNPY(
            header: "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': (2, 1), }",
            data: data)
        #expect(try NumPy.decodeMatrix(file).storage == expected)
    }

    @Test("malformed files fail with the error that names the problem")
    func errors() {
        let good = handMadeNPY(
            header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }",
            data: [UInt8](repeating: 0, count: 16))
        #expect(
            throws: IOError.badMagic(
                source: "x", expected: "93 4e 55 4d 50 59", got: "89 50 4e 47 0d 0a")
        ) {
            try NumPy.decodeMatrix(
                Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), source: "x")
        }
        #expect(
            throws: IOError.truncated(
                source: "x", what: "NumPy header", expectedBytes: 128, gotBytes: 40)
        ) {
            try NumPy.decodeMatrix(good.prefix(40), source: "x")
        }
        #expect(
            throws: IOError.truncated(source: "x", what: "data", expectedBytes: 16, gotBytes: 15)
        ) {
            try NumPy.decodeMatrix(good.dropLast(), source: "x")
        }
        #expect(throws: IOError.sizeMismatch(source: "x", expectedBytes: 16, gotBytes: 17)) {
            try NumPy.decodeMatrix(good + [0], source: "x")
        }
        let complex = handMadeNPY(
            header: "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", data: [])
        #expect(throws: IOError.unsupportedDType(source: "x", dtype: "<c16")) {
            try NumPy.decodeMatrix(complex, source: "x")
        }
        let cube = handMadeNPY(
            header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }",
            data: [UInt8](repeating: 0, count: 8))
        #expect(throws: IOError.tooManyDimensions(source: "x", shape: [1, 1, 1])) {
            try NumPy.decodeMatrix(cube, source: "x")
        }
        var version9 = [UInt8](good)
        version9[6] = 9
        #expect(throws: IOError.unsupportedVersion(source: "x", version: "9.0")) {
            try NumPy.decodeMatrix(Data(version9), source: "x")
        }
        let noShape = handMadeNPY(header: "{'descr': '<f8', 'fortran_order': False}", data: [])
        #expect(throws: IOError.self) { try NumPy.decodeMatrix(noShape, source: "x") }
    }

    @Test("NaN is rejected with its position unless allowed; huge int64 is not rounded silently")
    func nonFiniteAndInexact() throws {
        let nan = handMadeNPY(
            header: "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }",
            data: [UInt8](repeating: 0, count: 8) + [0, 0, 0, 0, 0, 0, 0xF8, 0x7F]
                + [UInt8](repeating: 0, count: 16))
        // Element 1 in column-major order is row 1, column 0.
        let error = #expect(throws: IOError.self) { try NumPy.decodeMatrix(nan, source: "x") }
        guard case .nonFiniteElement("x", 1, 0, let value) = error else {
            Issue.record(
                "expected a non-finite element at [1, 0], got \(String(describing: error))")
            return
        }
        #expect(value.isNaN)
        #expect(try NumPy.decodeMatrix(nan, allowNonFinite: true)[1, 0].isNaN)
        let huge = handMadeNPY(
            header: "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
            data: [1, 0, 0, 0, 0, 0, 0x20, 0])
        #expect(throws: IOError.inexactValue(source: "x", index: 0, value: "9007199254740993")) {
            try NumPy.decodeMatrix(huge, source: "x")
        }
    }

    @Test("the writer's header is what numpy.save writes, and matrices round-trip")
    func writer() throws {
        let matrix = try Matrix<Double>([[1, -2], [0.25, 1e300]])
        let encoded = NumPy.encode(matrix)
        #expect(encoded.count % 64 == 32)  // 128-byte preamble + 32 data bytes
        let header = String(decoding: encoded[10..<128], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }  "))
        #expect(header.hasSuffix(" \n"))
        #expect(try NumPy.decodeMatrix(encoded) == matrix)
        let floats = try Matrix<Float>([[0.1, -3]])
        #expect(try NumPy.decodeMatrix(NumPy.encode(floats)).map { Float($0) } == floats)
        let int64s = try Matrix<Int64>([[Int64(1) << 53, -7]])
        #expect(
            try NumPy.decodeMatrix(NumPy.encode(int64s)).storage == [9_007_199_254_740_992, -7])
        let int8s = try Matrix<Int8>([[-128], [127]])
        #expect(try NumPy.decodeMatrix(NumPy.encode(int8s)).storage == [-128, 127])
        #expect(Array(NumPy.encode(int8s).suffix(2)) == [0x80, 0x7F])
    }

    @Test("readMatrix dispatches on the extension, .gz included, and names unsupported ones")
    func dispatch() throws {
        let directory = try TemporaryDirectory()
        let matrix = try Matrix<Double>([[1, 2, 3]])
        try NumPy.write(matrix, to: directory.file("m.NPY"))
        #expect(try readMatrix(path: directory.file("m.NPY")) == matrix)
        // "1,2,3\n" gzip-compressed by Python's gzip module.
        let gz = bytes(hex: "1f8b080000000000020333d431d231e602002eb41e0506000000")
        try Data(gz).write(to: URL(fileURLWithPath: directory.file("m.csv.gz")))
        #expect(try readMatrix(path: directory.file("m.csv.gz")) == matrix)
        #expect(
            throws: IOError.unsupportedExtension(
                path: "w.mat", supported: [".csv", ".npy", ".csv.gz", ".npy.gz"])
        ) {
            try readMatrix(path: "w.mat")
        }
    }
}
