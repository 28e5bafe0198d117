import Foundation
import HXTestSupport
import Testing

@testable import HXIO

extension TemporaryDirectory {
    /// Writes `text` as the JSON Lines file `name` and reads it as records of `type`, which
    /// must fail; returns the file's path and the error (nil, with a failed expectation, when
    /// the read succeeded).
    func failedRead<Record: Decodable>(
        ofJSONLines text: String, as type: Record.Type, name: String = "records.jsonl",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (path: String, error: IOError?) {
        let path = try write(name, text)
        let error = #expect(throws: IOError.self, sourceLocation: sourceLocation) {
            try JSONLinesLog.read(type, path: path)
        }
        return (path, error)
    }
}

@Suite("Atomic writes and JSON Lines logs")
struct FileIOTests {
    struct Record: Codable, Equatable {
        var trial: Int
        var accuracy: Double
    }

    @Test("an atomic write creates parents, replaces the old file and leaves no temporary")
    func atomicWrite() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("a/b/result.txt")
        try FileIO.writeAtomically("first", to: path, createParents: true)
        try FileIO.writeAtomically("second, longer", to: path)
        #expect(try FileIO.readText(path: path) == "second, longer")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("a/b"))
        #expect(names == ["result.txt"])
    }

    @Test("an atomic write below a regular file fails with the path and reason")
    func atomicWriteFailure() throws {
        let directory = try TemporaryDirectory()
        try FileIO.writeAtomically("x", to: directory.file("file"))
        let error = #expect(throws: IOError.self) {
            try FileIO.writeAtomically("y", to: directory.file("file/inner.txt"))
        }
        guard case .writeFailed(let path, _) = error else {
            Issue.record("expected writeFailed, got \(String(describing: error))")
            return
        }
        #expect(path == directory.file("file/inner.txt"))
        #expect(throws: IOError.fileNotFound(path: directory.file("none"))) {
            try FileIO.read(path: directory.file("none"))
        }
    }

    @Test("appended records read back in order, one compact line each")
    func appendAndRead() throws {
        let directory = try TemporaryDirectory()
        let log = JSONLinesLog(path: directory.file("run.jsonl"))
        for trial in 0..<3 { try log.append(Record(trial: trial, accuracy: 0.5 + Double(trial))) }
        let text = try FileIO.readText(path: log.path)
        #expect(text.split(separator: "\n").first == "{\"accuracy\":0.5,\"trial\":0}")
        let contents = try JSONLinesLog.read(Record.self, path: log.path)
        #expect(contents.records.map(\.trial) == [0, 1, 2])
        #expect(!contents.isTruncated)
    }

    @Test("a record cut short by a kill is reported, and the next append drops it cleanly")
    func truncatedTail() throws {
        let directory = try TemporaryDirectory()
        let log = JSONLinesLog(path: directory.file("run.jsonl"))
        try log.append(Record(trial: 0, accuracy: 0.9))
        // What a process killed during write(2) would leave behind.
        let handle = try #require(FileHandle(forWritingAtPath: log.path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"accuracy\":0.8,\"tr".utf8))
        handle.closeFile()

        let before = try JSONLinesLog.read(Record.self, path: log.path)
        #expect(before.records == [Record(trial: 0, accuracy: 0.9)])
        #expect(before.truncatedFinalLine == "{\"accuracy\":0.8,\"tr")

        try log.append(Record(trial: 2, accuracy: 0.7))
        let after = try JSONLinesLog.read(Record.self, path: log.path)
        #expect(after.records.map(\.trial) == [0, 2])
        #expect(after.truncatedFinalLine == nil)
    }

    @Test("a corrupt complete line is an error naming its line and JSON path")
    func corruptLine() throws {
        let directory = try TemporaryDirectory()
        let (path, error) = try directory.failedRead(
            ofJSONLines: "{\"trial\":0,\"accuracy\":1}\n\n{\"trial\":\"one\",\"accuracy\":1}\n",
            as: Record.self)
        #expect(
            error?.description.hasPrefix("\(path):3: corrupt record: trial: expected a number")
                == true)
        #expect(try JSONLinesLog.read(Record.self, path: directory.file("none")).records == [])
        #expect(throws: IOError.self) {
            try JSONLinesLog(path: path).appendLine(Data("{}\n{}\n".utf8))
        }
    }
}
