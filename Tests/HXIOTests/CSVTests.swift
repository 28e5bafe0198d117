import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXIO

@Suite("CSV reading and writing")
struct CSVTests {
    @Test("comments, blank lines, blanks around values and CRLF are skipped")
    func parsesTolerantly() throws {
        let text = "# weights\n\n 1, 2.5 ,-3\r\n\t4,5e-1, 6 \n# end\n"
        let matrix = try CSV.parseMatrix(text)
        #expect(matrix.shape == [2, 3])
        #expect(matrix.storage == [1, 2.5, -3, 4, 0.5, 6])
    }

    @Test("a header is returned when asked for, and rejected with a hint otherwise")
    func header() throws {
        let text = "# comment\nvoltage,\"gain, per LSB\"\n0.5,2\n"
        let contents = try CSV.parse(Data(text.utf8), source: "h.csv", hasHeader: true)
        #expect(contents.header == ["voltage", "gain, per LSB"])
        #expect(contents.matrix.storage == [0.5, 2])
        #expect(throws: IOError.self) { try CSV.parseMatrix(text) }
        do {
            _ = try CSV.parseMatrix(text, source: "h.csv")
        } catch let error as IOError {
            guard case .badToken(let source, let line, let column, let token, let expected) = error
            else { Issue.record("unexpected \(error)"); return }
            #expect(source == "h.csv" && line == 2 && column == 1 && token == "voltage")
            #expect(expected.contains("column names") && expected.contains("header"))
        }
    }

    @Test("a bad token is reported with its line and 1-based column")
    func badToken() {
        #expect(
            throws: IOError.badToken(
                source: "w.csv", line: 3, column: 4, token: "1.2.3", expected: "a number")
        ) {
            try CSV.parseMatrix("1,2\n#\n3, 1.2.3\n", source: "w.csv")
        }
        #expect(
            throws: IOError.badToken(
                source: "w.csv", line: 1, column: 3, token: "", expected: "a number")
        ) {
            try CSV.parseMatrix("1,,2\n", source: "w.csv", hasHeader: false)
        }
    }

    @Test("ragged rows, empty files and NaN/inf are errors; NaN/inf allowed when asked")
    func rejections() throws {
        #expect(throws: IOError.raggedRow(source: "r", line: 2, expected: 3, got: 2)) {
            try CSV.parseMatrix("1,2,3\n4,5\n", source: "r")
        }
        #expect(throws: IOError.emptyInput(source: "e")) {
            try CSV.parseMatrix("# only a comment\n\n", source: "e")
        }
        #expect(throws: IOError.nonFiniteToken(source: "n", line: 1, column: 3, token: "nan")) {
            try CSV.parseMatrix("1,nan\n", source: "n")
        }
        #expect(throws: IOError.numberOutOfRange(source: "n", line: 1, column: 1, token: "1e400")) {
            try CSV.parseMatrix("1e400\n", source: "n")
        }
        let allowed = try CSV.parseMatrix("inf,-inf,nan\n", allowNonFinite: true)
        #expect(allowed[0, 0] == .infinity && allowed[0, 1] == -.infinity && allowed[0, 2].isNaN)
    }

    @Test("the integer reader names the row, column and value that break the range")
    func integers() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("w.csv")
        try "0,31\n-31,7\n".write(toFile: path, atomically: false, encoding: .utf8)
        let matrix = try CSV.readIntegerMatrix(path: path, allowed: -63...63)
        #expect(matrix.storage == [0, 31, -31, 7])
        #expect(
            throws: IOError.valueOutOfRange(row: 1, column: 0, value: -31, allowed: 0...31)
        ) {
            try CSV.readIntegerMatrix(path: path, allowed: 0...31)
        }
        #expect(throws: IOError.notIntegral(row: 0, column: 1, value: 2.5)) {
            try CSV.integers(Matrix([[1, 2.5]]), allowed: 0...31)
        }
        // The ends of the range are in it; one beyond either end is not.
        #expect(try CSV.integers(Matrix([[0, 31]]), allowed: 0...31).storage == [0, 31])
        #expect(throws: IOError.valueOutOfRange(row: 0, column: 1, value: 32, allowed: 0...31)) {
            try CSV.integers(Matrix([[31, 32]]), allowed: 0...31)
        }
        #expect(throws: IOError.valueOutOfRange(row: 0, column: 0, value: -64, allowed: -63...63)) {
            try CSV.integers(Matrix([[-64, 63]]), allowed: -63...63)
        }
        let message = IOError.valueOutOfRange(row: 1, column: 0, value: -31, allowed: 0...31)
            .description
        #expect(message == "element [1, 0] = -31.0 is outside the allowed range 0…31")
    }

    @Test("Double, Float and Int matrices round-trip through CSV text exactly")
    func roundTrip() throws {
        let doubles = try Matrix([[0.1, -1e-300, 12345.678901234567], [1.0 / 3, 2e20, -0.0]])
        let text = try CSV.format(doubles, header: ["a", "b,c", "d"])
        #expect(text.hasPrefix("a,\"b,c\",d\n"))
        let back = try CSV.parse(Data(text.utf8), source: "t", hasHeader: true)
        #expect(back.header == ["a", "b,c", "d"])
        #expect(back.matrix == doubles)

        let floats = try Matrix<Float>([[0.1, 3.4028235e38], [-1.1754944e-38, 7]])
        let floatBack = try CSV.parseMatrix(CSV.format(floats)).map { Float($0) }
        #expect(floatBack == floats)

        let ints = try Matrix([[1, -2], [300, 4]])
        #expect(try CSV.format(ints) == "1,-2\n300,4\n")
        #expect(throws: IOError.self) { try CSV.format(ints, header: ["only one"]) }
    }

    @Test("written files read back through readMatrix(path:)")
    func fileRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("m.csv")
        let matrix = try Matrix([[1.5, 2], [3, 4]])
        try CSV.write(matrix, to: path)
        #expect(try readMatrix(path: path) == matrix)
        #expect(throws: IOError.fileNotFound(path: directory.file("missing.csv"))) {
            try readMatrix(path: directory.file("missing.csv"))
        }
    }
}
