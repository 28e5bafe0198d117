import Foundation

/// The resident-set size of this process, from Linux's `/proc/self/status`.
public enum PeakMemory {
    /// The largest resident set since the process started (VmHWM), in bytes; nil where the
    /// kernel does not report it. Linux updates VmHWM lazily, so it can lag the current
    /// resident set (seen in the tests): the larger of the two.
    public static var highWaterMark: Int? {
        let values = [field("VmHWM"), field("VmRSS")].compactMap { $0 }
        return values.max()
    }

    /// The current resident set (VmRSS), in bytes.
    public static var current: Int? { field("VmRSS") }

    /// A `Name:  1234 kB` line of /proc/self/status, in bytes.
    static func field(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let kilobytes = Int(parts[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }
}
