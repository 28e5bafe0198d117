import Foundation
import HXTestSupport
import Testing

@testable import HXIO

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 12, items 3 and 6: outputs are checked before the work, atomic writes replace regular
/// files only, and write errors name the user's path and the real cause.
@Suite("Output targets and atomic writes")
struct OutputTargetTests {
    @Test(
        "an output that is also an input or another output is refused, however it is spelled; streams and absent options are not"
    )
    func overlaps() throws {
        let dir = try temporaryDirectory()
        try FileIO.writeAtomically("1\n", to: dir + "/x.csv")
        #expect(symlink(dir + "/x.csv", dir + "/alias.csv") == 0)
        try FileManager.default.createDirectory(
            atPath: dir + "/sub", withIntermediateDirectories: false)
        func refusal(
            _ outputs: [OutputTarget.NamedPath], _ inputs: [OutputTarget.NamedPath]
        )
            -> String?
        {
            errorText { try OutputTarget.refuseOverlaps(outputs: outputs, inputs: inputs) }
        }
        // The same existing file: by its path, another spelling, or a link to it.
        for spelling in [
            dir + "/x.csv", dir + "/sub/../x.csv", dir + "/./x.csv", dir + "/alias.csv",
        ] {
            #expect(
                refusal([("--out", spelling)], [("--inputs", dir + "/x.csv")])
                    == "--out \(spelling): cannot write: it is also the input --inputs "
                    + "\(dir)/x.csv; write to another path")
        }
        // Two outputs that do not exist yet, one spelled through a linked directory.
        #expect(symlink(dir + "/sub", dir + "/linked") == 0)
        #expect(
            refusal([("--out", dir + "/sub/t.csv"), ("--svg", dir + "/linked/t.csv")], [])
                == "--svg \(dir)/linked/t.csv: cannot write: it is also the output --out "
                + "\(dir)/sub/t.csv; write to another path")
        // Different files, standard streams shared, options left out: nothing to refuse.
        #expect(
            refusal(
                [("--out", dir + "/y.csv"), ("--svg", dir + "/y.svg")],
                [
                    ("--inputs", dir + "/x.csv")
                ]) == nil)
        #expect(
            refusal([("--out", "-"), ("--svg", nil)], [("--inputs", "-"), ("--weights", "-")])
                == nil)
    }

    @Test("- and /dev/stdout write through to standard output by design")
    func standardOutput() throws {
        for path in ["-", "/dev/stdout"] {
            let target = try OutputTarget.file(path, operand: "--out")
            #expect(target.destination == .standardOutput && target.path == nil)
            let collected = Collected()
            try target.write(Data("x\n".utf8)) { collected.append($0) }
            #expect(collected.text == "x\n")
        }
        #expect(
            errorText {
                _ = try OutputTarget.file("-", operand: "--svg", allowsStandardOutput: false)
            }
                == "--svg -: cannot write: this output must be a file")
    }

    @Test("a device, a FIFO, a directory and a symlink are refused, saying what they are")
    func nonRegular() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.file("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let link = directory.file("link.csv")
        #expect(symlink(directory.file("elsewhere.csv"), link) == 0)
        #expect(
            errorText { _ = try OutputTarget.file("/dev/full", operand: "--out") }
                == "--out /dev/full: cannot write: is a character device, not a regular file; "
                + "HXSim replaces regular files only (use - for standard output)")
        #expect(
            errorText { _ = try OutputTarget.file(fifo, operand: "--out") }?.hasPrefix(
                "--out \(fifo): cannot write: is a named pipe (FIFO), not a regular file") == true)
        #expect(
            errorText { _ = try OutputTarget.file(directory.path, operand: "--out") }
                == "--out \(directory.path): cannot write: is a directory")
        #expect(
            errorText { _ = try OutputTarget.file(link, operand: "--out") }?.hasPrefix(
                "--out \(link): cannot write: is a symbolic link (to \(directory.file("elsewhere.csv")))"
            )
                == true)
        #expect(
            errorText { _ = try OutputTarget.file(directory.path + "/", operand: "--out") } != nil)
        // The atomic write keeps the rule, for callers that did not check: nothing replaced.
        for path in [fifo, link] {
            #expect(throws: IOError.self) { try FileIO.writeAtomically("y", to: path) }
        }
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & 0o170000 == 0o010000)
        #expect(lstat(link, &info) == 0 && info.st_mode & 0o170000 == 0o120000)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == [
                "fifo", "link.csv",
            ])
    }

    @Test(
        "missing parents are an error unless the caller creates them, and then only below a writable directory"
    )
    func parents() throws {
        let directory = try TemporaryDirectory()
        let nested = directory.file("a/b/out.csv")
        #expect(
            errorText { _ = try OutputTarget.file(nested, operand: "--out") }
                == "--out \(nested): cannot write: the directory \(directory.file("a/b")) does not exist"
        )
        #expect(
            !FileManager.default.fileExists(atPath: directory.file("a")), "a check creates nothing")
        let target = try OutputTarget.file(nested, operand: "--out", createParents: true)
        try target.write(Data("1\n".utf8)) { _ in }
        #expect(try FileIO.readText(path: nested) == "1\n")
        // A regular file where a directory is needed.
        try FileIO.writeAtomically("x", to: directory.file("plain"))
        #expect(
            errorText {
                _ = try OutputTarget.file(
                    directory.file("plain/out.csv"), operand: "--out", createParents: true)
            }
                == "--out \(directory.file("plain/out.csv")): cannot write: \(directory.file("plain")) is not a directory"
        )
        #expect(
            errorText {
                try OutputTarget.directory(directory.file("plain"), operand: "--out", create: true)
            }
                == "--out \(directory.file("plain")): cannot write: \(directory.file("plain")) is not a directory"
        )
    }

    @Test(
        "a read-only directory is refused before the work",
        .enabled(if: getuid() != 0, "root may write anywhere"))
    func readOnly() throws {
        let directory = try TemporaryDirectory()
        let locked = directory.file("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
        #expect(chmod(locked, 0o500) == 0)
        defer { chmod(locked, 0o700) }
        #expect(
            errorText { _ = try OutputTarget.file(locked + "/out.csv", operand: "--out") }
                == "--out \(locked)/out.csv: cannot write: cannot write in directory \(locked): permission denied"
        )
    }

    @Test("a write failure names the user's path, never the temporary file")
    func userPathInErrors() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("missing/out.csv")
        #expect(
            errorText { try FileIO.writeAtomically("x", to: path) }
                == "\(path): cannot write: the directory \(directory.file("missing")) does not exist"
        )
        // /proc exists but takes no new file (ENOENT for root, EACCES otherwise): the folder is
        // not called missing (CLI review: `--out /proc/y.csv`).
        let proc = errorText { try FileIO.writeAtomically("x", to: "/proc/hxsim-y.csv") } ?? ""
        #expect(proc.hasPrefix("/proc/hxsim-y.csv: cannot write"), "\(proc)")
        #expect(!proc.contains("does not exist"), "\(proc)")
    }

    @Test("a full disk reads 'no space left on device', and a log drops a record written in part")
    func fullDisk() throws {
        let full = open("/dev/full", O_WRONLY)
        try #require(full >= 0)
        defer { close(full) }
        #expect(
            errorText { try FileIO.writeAll(Data("12345".utf8), to: full, path: "results.jsonl") }
                == "results.jsonl: cannot write: no space left on device")
    }

    @Test("system errors read as the words users search for")
    func reasons() {
        #expect(FileIO.reason(errno: ENOSPC) == "no space left on device")
        #expect(FileIO.reason(errno: ELOOP) == "too many levels of symbolic links (a symlink loop)")
        #expect(FileIO.reason(errno: EACCES) == "permission denied")
        #expect(FileIO.reason(errno: EXDEV).first?.isLowercase == true)
    }

    @Test("two spellings of one file are the same file")
    func sameFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("r.jsonl")
        try FileIO.writeAtomically("x", to: path)
        #expect(OutputTarget.sameFile(path, directory.path + "/./r.jsonl"))
        #expect(!OutputTarget.sameFile(path, directory.file("other")))
    }
}

/// Bytes collected from a closure.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ bytes: Data) { lock.withLock { data.append(bytes) } }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
