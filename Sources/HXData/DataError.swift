import HXIO
import HXNumerics

/// Errors of the data-set layer. Each case names the file and the place in it, so that the
/// one-line ``description`` says what to fix. Line numbers are 1-based; sample indices 0-based.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file-level failure (missing file, corrupt gzip, ...), from ``HXIO``.
    case io(IOError)
    /// A file that should be there is not; `expected` says what it should hold.
    case missingFile(path: String, expected: String)
    /// An IDX file whose magic number is not the one for its content.
    case badMagic(path: String, expected: UInt32, got: UInt32)
    /// A file shorter than its header promises.
    case truncated(path: String, expectedBytes: Int, gotBytes: Int)
    /// A file longer than its header promises.
    case trailingBytes(path: String, expectedBytes: Int, gotBytes: Int)
    /// Dimensions that differ from what the format or a companion file says.
    case dimensionMismatch(path: String, what: String, expected: [Int], got: [Int])
    /// A label outside the allowed classes.
    case invalidLabel(path: String, sample: Int, label: String, allowed: String)
    /// A feature value outside the range the format allows (0-based sample and feature).
    case valueOutOfRange(path: String, sample: Int, feature: Int, value: Double, allowed: String)
    /// A token that does not parse as what the format has at that place.
    case badValue(path: String, line: Int, token: String, expected: String)
    /// A missing value (`?` or `NaN`) in a time series, which this loader does not fill in.
    case missingValue(path: String, line: Int, channel: Int, step: Int)
    /// A header or layout that does not fit the format.
    case malformed(path: String, line: Int, reason: String)
    /// An argument outside its domain; the text names it.
    case invalidArgument(String)

    public var description: String {
        if case .io(let error) = self { return error.description }
        let (place, text) = parts
        return place.describing(text)
    }

    /// The place in the file (as ``IOError`` writes it) and what is wrong there.
    private var parts: (place: FilePlace, text: String) {
        switch self {
        case .io(let error):
            return (.nowhere, error.description)
        case .missingFile(let path, let expected):
            return (.file(path), "no such file (expected \(expected))")
        case .badMagic(let path, let expected, let got):
            return (
                .file(path),
                "magic number 0x\(String(got, radix: 16)), expected "
                    + "0x\(String(expected, radix: 16)) (wrong or corrupt file?)"
            )
        case .truncated(let path, let expectedBytes, let gotBytes):
            return (.file(path), "truncated: needs \(expectedBytes) bytes, has \(gotBytes)")
        case .trailingBytes(let path, let expectedBytes, let gotBytes):
            return (.file(path), "\(gotBytes) bytes, but the header accounts for \(expectedBytes)")
        case .dimensionMismatch(let path, let what, let expected, let got):
            return (
                .file(path),
                "\(what) is \(ValueText.shape(got)), expected \(ValueText.shape(expected))"
            )
        case .invalidLabel(let path, let sample, let label, let allowed):
            return (
                .file(path),
                "sample \(sample) has label '\(printableText(label))', expected \(allowed)"
            )
        case .valueOutOfRange(let path, let sample, let feature, let value, let allowed):
            return (
                .file(path), "sample \(sample), feature \(feature) is \(value), expected \(allowed)"
            )
        case .badValue(let path, let line, let token, let expected):
            return (.line(path, line), "expected \(expected), got '\(printableText(token))'")
        case .missingValue(let path, let line, let channel, let step):
            return (
                .line(path, line),
                "missing value in channel \(channel) at step \(step) (pass missingValues: "
                    + ".fill(...) to replace missing values)"
            )
        case .malformed(let path, let line, let reason):
            return (.line(path, line), reason)
        case .invalidArgument(let text):
            return (.nowhere, "invalid argument: \(text)")
        }
    }

    /// Runs `body`, wrapping an ``IOError`` it throws in ``io(_:)``.
    static func wrapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as IOError {
            throw DataError.io(error)
        }
    }
}
