import Foundation
import HXTestSupport
import Testing

@testable import HXIO

#if canImport(Glibc)
    import Glibc
#endif

/// A JSON Lines log whose file cannot grow any more (a full disk) while a record is being
/// written: the record written in part is cut off again, so the log stays whole records and the
/// error names the file and the cause. A child process (this test binary, filtered to the child
/// test) stands in for the full disk with a file size limit (`RLIMIT_FSIZE`): the kernel writes
/// up to the limit and then refuses, as on a full disk, and the limit stays in the child.
@Suite("A JSON Lines append that runs out of space leaves whole records")
struct JSONLinesFullDiskTests {
    static let childVariable = "HXSIM_JSONL_FULL_CHILD"
    /// The limit on the log's size, bytes: not a multiple of a record's line.
    static let limit = 1000

    struct Record: Codable {
        var trial: Int
        var note: String
    }

    @Test("the partial record is rolled back; the log reads back as the records appended")
    func rollback() throws {
        guard ProcessInfo.processInfo.environment[Self.childVariable] == nil else { return }
        let directory = try TemporaryDirectory()
        let path = directory.file("run.jsonl")
        guard
            let output = try runChildTest(
                filter: "JSONLinesFullDiskTests/child", environment: [Self.childVariable: path])
        else { return }
        let lines = output.split(separator: "\n")
        let appended = try #require(
            lines.first { $0.hasPrefix("APPENDED ") }.flatMap { Int($0.dropFirst(9)) }, "\(output)")
        let error = try #require(lines.first { $0.hasPrefix("ERROR ") }, "\(output)")
        // Every record line is 80 bytes: 12 fit under the limit, the 13th is cut by it.
        #expect(appended == 12)
        #expect(error.contains(path) && error.contains("too large"), "\(error)")
        let size = try #require(
            try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size == appended * 80)
        let contents = try JSONLinesLog.read(Record.self, path: path)
        #expect(contents.records.map(\.trial) == Array(0..<appended))
        #expect(!contents.isTruncated)
    }

    @Test("(child side of the full-disk test; does nothing unless started by it)")
    func child() throws {
        guard let path = ProcessInfo.processInfo.environment[Self.childVariable] else { return }
        // Past the limit write(2) fails with EFBIG instead of raising SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit)
        limit.rlim_cur = rlim_t(Self.limit)
        guard setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0 else {
            print("ERROR setrlimit failed: \(String(cString: strerror(errno)))")
            return
        }
        let log = JSONLinesLog(path: path)
        var appended = 0
        do {
            while appended < 1000 {
                // {"note":"x…x","trial":N}\n: 21 bytes of frame, note and digits 59.
                try log.append(
                    Record(
                        trial: appended,
                        note: String(repeating: "x", count: 59 - String(appended).count)))
                appended += 1
            }
            print("APPENDED \(appended)")
            print("ERROR none")
        } catch {
            print("APPENDED \(appended)")
            print("ERROR \(error)")
        }
    }
}
