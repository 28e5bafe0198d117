import Foundation
import HXTestSupport
import Testing

@testable import HXIO

/// A clock and an output that tests control.
final class FakeTerminal: @unchecked Sendable {
    var now = 100.0
    var lines: [String] = []
}

@Suite("Progress reporting")
struct ProgressReporterTests {
    @Test("lines appear at most once per interval, with rate and ETA from the fake clock")
    func throttled() {
        let terminal = FakeTerminal()
        var progress = ProgressReporter(
            label: "sweep", total: 100, interval: 2, clock: { terminal.now },
            write: { terminal.lines.append($0) })
        terminal.now += 1
        progress.advance(by: 10)  // 1 s after start: too early
        #expect(terminal.lines.isEmpty)
        terminal.now += 1
        progress.advance(by: 10)  // 20 done in 2 s: 10/s, 80 left: 8 s
        #expect(terminal.lines == ["sweep: 20/100 (10.0/s, ETA 00:08)\n"])
        terminal.now += 0.5
        progress.advance(by: 5)
        #expect(terminal.lines.count == 1)
        terminal.now += 97.5  // 100 s after start
        progress.update(done: 100)
        #expect(terminal.lines.last == "sweep: 100/100 (1.00/s, ETA 00:00)\n")
        terminal.now += 25
        progress.finish()
        progress.finish()
        #expect(terminal.lines.last == "sweep: 100/100 (0.800/s, took 02:05)\n")
        #expect(terminal.lines.count == 3)
    }

    @Test("a disabled reporter writes nothing and never reads the clock")
    func disabled() {
        let terminal = FakeTerminal()
        var progress = ProgressReporter(
            label: "x", total: 5, interval: 0, enabled: false,
            clock: {
                terminal.lines.append("clock read")
                return 0
            }, write: { terminal.lines.append($0) })
        progress.advance()
        progress.finish()
        #expect(terminal.lines.isEmpty)
    }

    @Test("durations format as mm:ss and rates keep three digits")
    func formatting() {
        #expect(ProgressReporter.formatDuration(3725.4) == "62:05")
        #expect(ProgressReporter.formatDuration(.infinity) == "--:--")
        #expect(ProgressReporter.formatRate(1234.4) == "1234")
        #expect(ProgressReporter.formatRate(0.1234) == "0.123")
    }

    @Test("the FileHandle initialiser writes the lines to that handle")
    func fileHandle() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("progress.txt")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let terminal = FakeTerminal()
        var progress = ProgressReporter(
            label: "load", total: 2, output: handle, clock: { terminal.now })
        terminal.now += 4
        progress.update(done: 2)
        progress.finish()
        handle.closeFile()
        #expect(
            try FileIO.readText(path: path)
                == "load: 2/2 (0.500/s, ETA 00:00)\nload: 2/2 (0.500/s, took 00:04)\n")
    }
}
