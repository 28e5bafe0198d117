import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXIO

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 12, items 2 and 6: every input is read within a bound, only from regular files, and
/// a refusal names the file and the real cause.
@Suite("Bounded reads of every input")
struct BoundedReadTests {
    /// A fresh directory for each test's files, removed after it.
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    /// Expects `read` to be refused with the one line `<path>: cannot read: <reason>`.
    func expectRefused(
        _ path: String, because reason: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ read: () throws -> Void
    ) {
        #expect(
            errorText(read) == "\(path): cannot read: \(reason)", sourceLocation: sourceLocation)
    }

    @Test(
        "a directory, a FIFO and /dev/zero are refused before a byte is read, saying what they are")
    func nonRegularInputs() throws {
        let fifo = directory.file("pipe.csv")
        #expect(mkfifo(fifo, 0o600) == 0)
        // Without O_NONBLOCK the open of a FIFO without writer would hang this test.
        expectRefused(fifo, because: "is a named pipe (FIFO), not a regular file") {
            _ = try readMatrix(path: fifo)
        }
        expectRefused("/dev/zero", because: "is a character device, not a regular file") {
            _ = try FileIO.read(path: "/dev/zero")
        }
        let folder = directory.file("dir.csv")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        expectRefused(folder, because: "is a directory") { _ = try readMatrix(path: folder) }
        expectRefused(folder, because: "is a directory") { _ = try MatrixReader(path: folder) }
    }

    @Test("a symlink loop is named as one, not as a missing file")
    func symlinkLoop() throws {
        let a = directory.file("a.csv")
        let b = directory.file("b.csv")
        #expect(symlink(b, a) == 0 && symlink(a, b) == 0)
        expectRefused(a, because: "too many levels of symbolic links (a symlink loop)") {
            _ = try readMatrix(path: a)
        }
    }

    @Test("a file beyond the reader's limit is refused before it is read")
    func sizeLimit() throws {
        let path = directory.file("big.json")
        try FileIO.writeAtomically(Data(repeating: 0x20, count: 4096), to: path)
        #expect(throws: IOError.tooLarge(path: path, limit: 1000)) {
            try FileIO.read(path: path, maxBytes: 1000)
        }
        #expect(try FileIO.read(path: path, maxBytes: 4096).count == 4096)
        #expect(
            IOError.tooLarge(path: path, limit: 64 << 20).description
                == "\(path): cannot read: larger than the 64 MiB HXSim reads from this kind of file"
        )
        // /proc files report size 0 and are still read to their end.
        #expect(try FileIO.readText(path: "/proc/self/status").contains("VmRSS"))
    }

    @Test("a gzip bomb stops at the expansion ratio, with the file's name, before memory grows")
    func decompressionRatio() throws {
        // 64 MiB of one repeated line compress about a thousandfold, as the 389 KB file
        // that expanded to 400 MB.
        let line = Data(repeating: UInt8(ascii: "1"), count: 64 << 20)
        let bomb = try Gzip.compress(line)
        #expect(bomb.count < 200_000)
        let path = directory.file("bomb.csv.gz")
        try FileIO.writeAtomically(bomb, to: path)
        let error = errorText { _ = try readMatrix(path: path) }
        #expect(
            error?.hasPrefix("\(path): refused to decompress: expands more than 500 times") == true,
            "\(String(describing: error))")
        // The streaming reader stops at the same bound (it has no bound on the total).
        #expect(
            errorText { _ = try MatrixReader(path: path).next(maxRows: 10) }?.contains(
                "expands more than 500 times") == true)
        // Highly compressible data below the grace size is fine.
        let small = try Gzip.compress(Data(repeating: UInt8(ascii: "0"), count: 500_000))
        #expect(try Gzip.decompress(small, source: "small").count == 500_000)
    }

    @Test("decompressed data beyond the size cap is refused, naming the file and the cap")
    func decompressionSize() throws {
        let text = Data((0..<40_000).map { "\($0 % 97),\($0 % 89)\n" }.joined().utf8)
        let compressed = try Gzip.compress(text)
        var limits = ReadLimits.matrix
        limits.maxExpandedBytes = 100_000
        #expect(
            throws: IOError.decompressionLimit(
                source: "x.csv.gz",
                reason:
                    "expands to more than 97.7 KiB, the most HXSim decompresses from this kind "
                    + "of file")
        ) {
            try Gzip.decompress(compressed, source: "x.csv.gz", limits: limits)
        }
        #expect(try Gzip.decompress(compressed, source: "x.csv.gz") == text)
    }

    @Test("a line longer than the limit is an error naming its line, in both CSV readers")
    func longLine() throws {
        let path = directory.file("long.csv")
        try FileIO.writeAtomically("1,2\n" + String(repeating: "3,", count: 600) + "3\n", to: path)
        var limits = ReadLimits.streaming
        limits.maxLineBytes = 1000
        #expect(throws: IOError.lineTooLong(source: path, line: 2, limit: 1000)) {
            let reader = try MatrixReader(path: path, limits: limits)
            while try reader.next(maxRows: 1) != nil {}
        }
        #expect(throws: IOError.lineTooLong(source: path, line: 2, limit: 1000)) {
            try CSV.parse(try FileIO.read(path: path), source: path, limits: limits)
        }
    }
}

/// A matrix read whole is bounded in values too: a file of one-digit numbers expands eightfold.
@Suite("Bounded matrices")
struct BoundedMatrixTests {
    @Test(
        "more values than the limit are refused, in CSV while reading and in .npy from the header")
    func elementLimit() throws {
        var limits = ReadLimits.matrix
        limits.maxElements = 10
        #expect(throws: IOError.tooManyElements(source: "m.csv", limit: 10)) {
            try CSV.parse(Data("1,2,3,4\n5,6,7,8\n9,0,1,2\n".utf8), source: "m.csv", limits: limits)
        }
        let npy = NumPy.encode(Matrix<Double>(rows: 3, columns: 4, repeating: 1))
        #expect(throws: IOError.tooManyElements(source: "m.npy", limit: 10)) {
            try NumPy.decodeMatrix(npy, source: "m.npy", limits: limits)
        }
        #expect(try NumPy.decodeMatrix(npy, source: "m.npy").count == 12)
    }
}

/// Issue 12, item 4: decimal numbers only, and empty matrices refused in every format alike.
@Suite("Strict matrix grammars")
struct StrictMatrixTests {
    @Test(
        "hex, hex floats, NUL bytes and trailing bytes are not numbers",
        arguments: [
            "0x1F", "0x1.8p1", "8\u{0}junk", "8\u{0}", "1e", "1.2.3", "--1", "1_000", "1 2",
            "0b101", "nan(1)", "infinit", "١",
        ])
    func notNumbers(token: String) {
        #expect(throws: IOError.self) { try CSV.parseMatrix("1,\(token)\n", source: "t") }
    }

    @Test("a NUL byte is shown in the message instead of cutting the number short")
    func nulMessage() {
        #expect(
            throws: IOError.badToken(
                source: "x.csv", line: 1, column: 1, token: "8\\u{0}junk",
                expected:
                    "a number (a line of column names is read only where a header is expected)")
        ) {
            try CSV.parseMatrix("8\u{0}junk\n", source: "x.csv")
        }
    }

    @Test(
        "decimal forms read as the numbers they spell",
        arguments: [
            ("7", 7.0), ("-0", -0.0), ("+3", 3), (".5", 0.5), ("3.", 3), ("1e3", 1000),
            ("-2.5E-1", -0.25), ("007", 7), ("1234567890123456789", 1.2345678901234568e18),
            ("1e-400", 0),
        ])
    func decimals(token: String, value: Double) throws {
        let matrix = try CSV.parseMatrix(token + "\n")
        #expect(matrix[0, 0] == value && matrix[0, 0].sign == value.sign)
    }

    @Test("a number beyond a Double is out of range, with its place")
    func outOfRange() {
        #expect(
            IOError.numberOutOfRange(source: "x.csv", line: 2, column: 3, token: "1e999")
                .description
                == "x.csv:2:3: number '1e999' is out of range (beyond ±1.8e308, the largest Double)"
        )
        #expect(
            throws: IOError.numberOutOfRange(source: "x.csv", line: 2, column: 3, token: "-1e999")
        ) {
            try CSV.parseMatrix("1,2\n4,-1e999\n", source: "x.csv", allowNonFinite: true)
        }
    }

    @Test(
        "an empty matrix is refused by every format: CSV, .npy of shape (0, 8) or (8, 0), and gzip")
    func emptyEverywhere() throws {
        let directory = try TemporaryDirectory()
        let csv = directory.file("e.csv")
        try FileIO.writeAtomically("# nothing\n\n", to: csv)
        let empty = directory.file("e.npy")
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 8), }"
        let padded =
            header + String(repeating: " ", count: 64 - (10 + header.utf8.count + 1) % 64) + "\n"
        try FileIO.writeAtomically(
            Data(NumPy.magic + [1, 0, UInt8(padded.utf8.count), 0] + Array(padded.utf8)), to: empty)
        let wide = directory.file("w.npy")
        let wideHeader = padded.replacingOccurrences(of: "(0, 8)", with: "(8, 0)")
        try FileIO.writeAtomically(
            Data(NumPy.magic + [1, 0, UInt8(wideHeader.utf8.count), 0] + Array(wideHeader.utf8)),
            to: wide)
        let gz = directory.file("e.csv.gz")
        try FileIO.writeAtomically(try Gzip.compress(Data()), to: gz)
        for path in [csv, empty, wide, gz] {
            #expect(throws: IOError.emptyInput(source: path)) { try readMatrix(path: path) }
            #expect(throws: IOError.emptyInput(source: path)) {
                _ = try MatrixReader(path: path).next(maxRows: 4)
            }
        }
    }

    @Test("a .npy header naming a key twice is malformed")
    func npyDuplicateKey() {
        #expect(throws: IOError.self) {
            try NumPy.parseHeader(
                "{'descr': '<f8', 'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }",
                source: "d.npy")
        }
    }
}
