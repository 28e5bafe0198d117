import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXIO

@Suite("matrix targets: the format by extension, - for the standard streams")
struct MatrixTargetTests {
    @Test("the extension chooses the format; nil and - are CSV on standard output")
    func formats() throws {
        let directory = try TemporaryDirectory()
        #expect(try MatrixTarget.output(nil).destination == .standardOutput)
        #expect(try MatrixTarget.output("-").destination == .standardOutput)
        #expect(try MatrixFileFormat.forWriting(path: "out/y.CSV") == MatrixFileFormat.plainCSV)
        #expect(try MatrixFileFormat.forWriting(path: "y.npy").layout == .npy)
        #expect(try MatrixFileFormat.forWriting(path: "y.npy.gz").compressed)
        let text = directory.file("y.txt")
        #expect(
            throws: IOError.context(
                "--out",
                .unsupportedExtension(path: text, supported: MatrixFileFormat.writableExtensions))
        ) {
            try MatrixTarget.output(text)
        }
        #expect(
            errorText { try MatrixTarget.output(text, operand: "--table") }?
                .hasPrefix("--table: \(text): unsupported file type") == true)
        #expect(throws: IOError.self) { try MatrixTarget.output("-", allowsStandardOutput: false) }
    }

    @Test("int8 codes written to .npy read back as the same values with NumPy's |i1 dtype")
    func npy() throws {
        let directory = try TemporaryDirectory()
        let codes = try Matrix<Int8>(rows: 2, columns: 3, storage: [-128, 0, 127, 5, -5, 1])
        try MatrixTarget.write(
            codes, to: MatrixTarget.output(directory.file("y.npy")), standardOutput: { _ in })
        let data = try FileIO.read(path: directory.file("y.npy"))
        #expect(String(decoding: data.prefix(80), as: UTF8.self).contains("'descr': '|i1'"))
        #expect(
            try NumPy.readMatrix(path: directory.file("y.npy")).storage
                == codes.storage.map(Double.init))
        try MatrixTarget.write(
            codes, to: MatrixTarget.output(directory.file("y.csv")), standardOutput: { _ in })
        #expect(try FileIO.readText(path: directory.file("y.csv")) == "-128,0,127\n5,-5,1\n")
        var printed = ""
        try MatrixTarget.write(codes, to: MatrixTarget.output("-"), csvHeader: ["a", "b", "c"]) {
            printed += $0
        }
        #expect(printed == "a,b,c\n-128,0,127\n5,-5,1\n")
        #expect(throws: IOError.self) {
            try MatrixTarget.write(
                codes, to: OutputTarget.file(directory.file("y.txt")), standardOutput: { _ in })
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("y.txt")))
    }

    @Test("- reads standard input as NumPy, gzip or CSV, recognised by the first bytes")
    func standardInput() throws {
        let matrix = try Matrix<Int8>(rows: 2, columns: 2, storage: [1, -2, 3, 31])
        let npy = NumPy.encode(matrix)
        #expect(try MatrixTarget.read(from: "-", standardInput: { npy }).storage == [1, -2, 3, 31])
        let csv = Data("1,-2\n3,31\n".utf8)
        #expect(try MatrixTarget.read(from: "-", standardInput: { csv }).storage == [1, -2, 3, 31])
        #expect(throws: IOError.self) {
            try MatrixTarget.read(from: "-", standardInput: { Data() })
        }
        // A file path still goes through the file readers.
        let directory = try TemporaryDirectory()
        try NumPy.write(matrix, to: directory.file("m.npy"))
        #expect(try MatrixTarget.read(from: directory.file("m.npy")).shape == [2, 2])
    }
}
