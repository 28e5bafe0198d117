/// What can go wrong in a benchmark run; each case says what to do about it.
public enum BenchmarkError: Error, Equatable, CustomStringConvertible {
    /// A command-line argument the benchmark does not understand.
    case invalidArgument(String)
    /// A child process (one benchmark case) failed or printed no result.
    case caseFailed(name: String, reason: String)
    /// A field of a `--case` JSON that is outside its range (``CaseLimits``); `field` is its
    /// JSON path, for example `throughput.batch`.
    case invalidCase(field: String, reason: String)

    public var description: String {
        switch self {
        case .invalidArgument(let text):
            return "invalid argument: \(text) (try --help)"
        case .caseFailed(let name, let reason):
            return "benchmark case \(name) failed: \(reason)"
        case .invalidCase(let field, let reason):
            return "--case: \(field): \(reason)"
        }
    }
}
