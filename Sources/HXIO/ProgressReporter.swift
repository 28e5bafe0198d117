import Foundation

/// Progress lines for long jobs, written to stderr by default:
/// `label: done/total (rate/s, ETA mm:ss)` at most once per `interval`, and a final
/// `label: total/total (rate/s, took mm:ss)` from ``finish()``.
///
/// Time comes only from the `clock` closure (seconds, monotonic), so tests drive it with a
/// fake clock. A disabled reporter writes nothing.
public struct ProgressReporter: Sendable {
    /// The text before the counts.
    public let label: String
    /// The number of items the job has.
    public let total: Int
    /// The shortest time between two progress lines, in seconds.
    public let interval: Double
    /// Whether lines are written at all.
    public let isEnabled: Bool
    /// Items done so far.
    public private(set) var done = 0

    private let clock: @Sendable () -> Double
    private let write: @Sendable (String) -> Void
    private let start: Double
    private var lastReport: Double
    private var finished = false

    /// A reporter writing lines to `output` (default: stderr).
    /// - Parameters:
    ///   - interval: seconds between lines, at least.
    ///   - clock: the current time in seconds; the default reads the system's monotonic clock.
    public init(
        label: String, total: Int, interval: Double = 1, enabled: Bool = true,
        output: FileHandle = .standardError,
        clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }
    ) {
        self.init(
            label: label, total: total, interval: interval, enabled: enabled, clock: clock,
            write: { output.write(Data($0.utf8)) })
    }

    /// A reporter handing each line (with its newline) to `write`.
    public init(
        label: String, total: Int, interval: Double = 1, enabled: Bool = true,
        clock: @escaping @Sendable () -> Double, write: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.total = max(0, total)
        self.interval = interval
        self.isEnabled = enabled
        self.clock = clock
        self.write = write
        // A disabled reporter does not even read the clock.
        let now = enabled ? clock() : 0
        self.start = now
        self.lastReport = now
    }

    /// Records `count` more finished items and writes a line if `interval` has passed.
    public mutating func advance(by count: Int = 1) {
        update(done: done + count)
    }

    /// Records that `done` items are finished and writes a line if `interval` has passed.
    public mutating func update(done: Int) {
        self.done = min(max(0, done), total)
        guard isEnabled, !finished else { return }
        let now = clock()
        guard now - lastReport >= interval else { return }
        lastReport = now
        write(line(elapsed: now - start, final: false))
    }

    /// Writes the final line (once), with the total time taken.
    public mutating func finish() {
        guard isEnabled, !finished else { return }
        finished = true
        write(line(elapsed: clock() - start, final: true))
    }

    /// One progress line for `elapsed` seconds since the start.
    func line(elapsed: Double, final: Bool) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let rateText = elapsed > 0 ? ProgressReporter.formatRate(rate) + "/s" : "-/s"
        let tail: String
        if final {
            tail = "took " + ProgressReporter.formatDuration(elapsed)
        } else if rate > 0 {
            tail = "ETA " + ProgressReporter.formatDuration(Double(total - done) / rate)
        } else {
            tail = "ETA --:--"
        }
        return "\(label): \(done)/\(total) (\(rateText), \(tail))\n"
    }

    /// Seconds as `mm:ss` (minutes may exceed 59), rounded to the nearest second.
    static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let whole = Int(seconds.rounded())
        return String(format: "%02d:%02d", whole / 60, whole % 60)
    }

    /// A rate with about three significant digits: `0.123`, `1.23`, `12.3`, `1234`.
    static func formatRate(_ rate: Double) -> String {
        if rate >= 100 { return String(Int(rate.rounded())) }
        if rate >= 10 { return String(format: "%.1f", rate) }
        if rate >= 1 { return String(format: "%.2f", rate) }
        return String(format: "%.3f", rate)
    }
}
