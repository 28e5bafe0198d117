import HXNumerics

/// Errors of the file layer. Every case names the file (or `source`, for text that did not come
/// from a file) and the place in it, so that the one-line ``description`` tells the user what to
/// fix.
///
/// Line and column numbers in text files are 1-based, as editors show them; matrix rows and
/// columns are 0-based, as `Matrix` subscripts take them.
public indirect enum IOError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// Reading the file failed for a reason of the system (permissions, a directory, ...).
    case readFailed(path: String, reason: String)
    /// Writing the file failed; `reason` is the system's message.
    case writeFailed(path: String, reason: String)
    /// The input holds no data (no rows, or zero bytes).
    case emptyInput(source: String)
    /// A token that is not what the format expects at that place.
    case badToken(source: String, line: Int, column: Int, token: String, expected: String)
    /// A NaN or infinite value where only finite numbers are allowed.
    case nonFiniteToken(source: String, line: Int, column: Int, token: String)
    /// A NaN or infinite element of a binary matrix (0-based indices).
    case nonFiniteElement(source: String, row: Int, column: Int, value: Double)
    /// A row with a different number of values than the first data row.
    case raggedRow(source: String, line: Int, expected: Int, got: Int)
    /// A matrix element that should be an integer is not (0-based indices).
    case notIntegral(row: Int, column: Int, value: Double)
    /// A matrix element outside the allowed closed range (0-based indices).
    case valueOutOfRange(row: Int, column: Int, value: Double, allowed: ClosedRange<Int>)
    /// An integer that a `Double` cannot hold exactly (beyond ±2⁵³).
    case inexactValue(source: String, index: Int, value: String)
    /// The first bytes are not the signature of the format.
    case badMagic(source: String, expected: String, got: String)
    /// The input ends before `what` is complete.
    case truncated(source: String, what: String, expectedBytes: Int, gotBytes: Int)
    /// A header that does not parse; `reason` says what was wrong.
    case malformedHeader(source: String, reason: String)
    /// A format version this reader does not know.
    case unsupportedVersion(source: String, version: String)
    /// A NumPy element type this reader does not convert.
    case unsupportedDType(source: String, dtype: String)
    /// An array of more than two dimensions where a matrix is expected.
    case tooManyDimensions(source: String, shape: [Int])
    /// The data holds a different number of bytes than the header's shape needs.
    case sizeMismatch(source: String, expectedBytes: Int, gotBytes: Int)
    /// A file name whose extension no reader handles.
    case unsupportedExtension(path: String, supported: [String])
    /// A compressed stream that zlib rejects.
    case corruptCompressedData(source: String, reason: String)
    /// A compressed stream that ends before its end marker (the file was cut short).
    case truncatedCompressedData(source: String)
    /// JSON that does not decode into the expected type; `path` is the JSON path of the
    /// problem (for example `parameters.membraneCapacitance`).
    case invalidJSON(source: String, path: String, message: String)
    /// A complete line of a JSON Lines file that does not decode.
    case corruptRecord(path: String, line: Int, message: String)
    /// A value that cannot be encoded (for example NaN in JSON).
    case encodingFailed(reason: String)
    /// Data given to a writer or plot that is inconsistent; the text says how.
    case invalidArgument(String)
    /// A file larger than the reader accepts (``ReadLimits``).
    case tooLarge(path: String, limit: Int)
    /// A matrix with more values than a reader holds at once (``ReadLimits/maxElements``).
    case tooManyElements(source: String, limit: Int)
    /// Compressed data that expands beyond the size or ratio a reader accepts.
    case decompressionLimit(source: String, reason: String)
    /// A line of a text format longer than the reader accepts.
    case lineTooLong(source: String, line: Int, limit: Int)
    /// A number whose magnitude a `Double` cannot hold (`1e999`).
    case numberOutOfRange(source: String, line: Int, column: Int, token: String)
    /// Text that is not JSON (RFC 8259) at a line and column; `path` is the JSON path of the
    /// value being read (`(top level)` outside any object or array).
    case malformedJSON(source: String, line: Int, column: Int, path: String, reason: String)
    /// A JSON object that holds a key twice; `path` is the JSON path of the object.
    case duplicateKey(source: String, path: String, key: String, line: Int, column: Int)
    /// An output path that HXSim refuses to write (checked before the work starts):
    /// `operand` is the option that named it, `reason` what the path is.
    case outputRefused(operand: String?, path: String, reason: String)
    /// An error of reading `operand` (for example `--inputs x.csv`), for errors that do not
    /// name the file themselves.
    case context(String, IOError)

    /// The description without the file name in front (for errors that another error or a
    /// caller names the file of already): the line and column as words, then what is wrong.
    public var detail: String {
        // Said as a read failure, as a caller's "cannot read <role> <path>" expects.
        if case .fileNotFound = self { return "cannot read: no such file" }
        let (place, text) = parts
        return place.words.map { "\($0): \(text)" } ?? text
    }

    public var description: String {
        let (place, text) = parts
        return place.describing(text)
    }

    /// The error as the place it is at and what is wrong there, the one statement of each
    /// message that ``description`` and ``detail`` are made of.
    private var parts: (place: FilePlace, text: String) {
        switch self {
        case .fileNotFound(let path):
            return (.file(path), "no such file")
        case .readFailed(let path, let reason):
            return (.file(path), "cannot read: \(reason)")
        case .writeFailed(let path, let reason):
            return (.file(path), "cannot write: \(reason)")
        case .emptyInput(let source):
            return (.file(source), "no data")
        case .badToken(let source, let line, let column, let token, let expected):
            return (.column(source, line, column), "expected \(expected), got '\(token)'")
        case .nonFiniteToken(let source, let line, let column, let token):
            return (.column(source, line, column), "non-finite value '\(token)' is not allowed")
        case .nonFiniteElement(let source, let row, let column, let value):
            return (.file(source), "element [\(row), \(column)] is \(value), not a finite number")
        case .raggedRow(let source, let line, let expected, let got):
            return (
                .line(source, line), "row has \(got) values, expected \(expected) like the first"
            )
        case .notIntegral(let row, let column, let value):
            return (.nowhere, "element [\(row), \(column)] = \(value) is not an integer")
        case .valueOutOfRange(let row, let column, let value, let allowed):
            return (
                .nowhere,
                ValueText.outside(
                    "element [\(row), \(column)]", "\(value)",
                    "the allowed range \(ValueText.range(allowed))")
            )
        case .inexactValue(let source, let index, let value):
            return (.file(source), "element \(index) = \(value) cannot be held exactly by a Double")
        case .badMagic(let source, let expected, let got):
            return (
                .file(source), "not the expected format: signature \(got), expected \(expected)"
            )
        case .truncated(let source, let what, let expectedBytes, let gotBytes):
            return (
                .file(source), "truncated \(what): needs \(expectedBytes) bytes, has \(gotBytes)"
            )
        case .malformedHeader(let source, let reason):
            return (.file(source), "malformed header: \(reason)")
        case .unsupportedVersion(let source, let version):
            return (.file(source), "unsupported format version \(version)")
        case .unsupportedDType(let source, let dtype):
            return (
                .file(source),
                "unsupported dtype '\(dtype)' (supported: integers, unsigned integers, f4, f8, b1)"
            )
        case .tooManyDimensions(let source, let shape):
            return (
                .file(source), "shape \(shape) has \(shape.count) dimensions, expected at most 2"
            )
        case .sizeMismatch(let source, let expectedBytes, let gotBytes):
            return (.file(source), "shape needs \(expectedBytes) data bytes, file has \(gotBytes)")
        case .unsupportedExtension(let path, let supported):
            return (
                .file(path),
                "unsupported file type, expected one of "
                    + supported.map { "'\($0)'" }.joined(separator: ", ")
            )
        case .corruptCompressedData(let source, let reason):
            return (.file(source), "corrupt compressed data: \(reason)")
        case .truncatedCompressedData(let source):
            return (.file(source), "compressed data ends early (truncated file?)")
        case .invalidJSON(let source, let path, let message):
            return (.file(source), "\(path): \(message)")
        case .corruptRecord(let path, let line, let message):
            return (.line(path, line), "corrupt record: \(message)")
        case .encodingFailed(let reason):
            return (.nowhere, "cannot encode: \(reason)")
        case .invalidArgument(let text):
            return (.nowhere, "invalid argument: \(text)")
        case .tooLarge(let path, let limit):
            return (
                .file(path),
                "cannot read: larger than the \(ReadLimits.describe(bytes: limit)) HXSim reads "
                    + "from this kind of file"
            )
        case .decompressionLimit(let source, let reason):
            return (.file(source), "refused to decompress: \(reason)")
        case .tooManyElements(let source, let limit):
            return (
                .file(source),
                "more than \(limit) values, more than HXSim reads at once (hxsim vmm streams "
                    + "larger batches)"
            )
        case .lineTooLong(let source, let line, let limit):
            return (
                .line(source, line),
                "line longer than \(ReadLimits.describe(bytes: limit)) (a damaged file, or not a "
                    + "text file of this kind)"
            )
        case .numberOutOfRange(let source, let line, let column, let token):
            let shown = token.count > 40 ? String(token.prefix(40)) + "…" : token
            return (
                .column(source, line, column),
                "number '\(shown)' is out of range (beyond ±1.8e308, the largest Double)"
            )
        case .malformedJSON(let source, let line, let column, let path, let reason):
            return (.column(source, line, column), "\(path): not valid JSON: \(reason)")
        case .duplicateKey(let source, let path, let key, let line, let column):
            let place = path == "(top level)" ? "the top-level object" : "object \(path)"
            return (
                .column(source, line, column),
                "\(place) has the key '\(key)' twice; each key may appear once"
            )
        case .outputRefused(let operand, let path, let reason):
            return (.file("\(operand.map { "\($0) " } ?? "")\(path)"), "cannot write: \(reason)")
        case .context(let context, let error):
            // The operand in front of an error that names no file; as a whole, it is the text.
            return (.nowhere, "\(context): \(error)")
        }
    }
}
