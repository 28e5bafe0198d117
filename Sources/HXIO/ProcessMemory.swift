import Foundation

/// This process's memory and the machine's, from Linux's `/proc`, for plans that must fit a
/// memory budget. Every value is nil where the kernel does not report it.
public enum ProcessMemory {
    /// The current resident set of this process (VmRSS), in bytes.
    public static var residentBytes: Int? { field("VmRSS", in: "/proc/self/status") }

    /// The largest resident set since the process started (VmHWM), in bytes.
    public static var peakResidentBytes: Int? { field("VmHWM", in: "/proc/self/status") }

    /// Memory the kernel can give to new work without swapping (MemAvailable), in bytes.
    public static var availableBytes: Int? { field("MemAvailable", in: "/proc/meminfo") }

    /// A `Name:  1234 kB` line of a `/proc` file, in bytes.
    static func field(_ name: String, in file: String) -> Int? {
        guard let text = try? FileIO.readText(path: file, maxBytes: 1 << 20) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let kilobytes = Int(parts[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }
}
