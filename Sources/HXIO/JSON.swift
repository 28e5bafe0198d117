import Foundation

/// HXSim's JSON conventions: one encoder configuration for every file it writes, and decoding
/// errors that name the JSON path of the problem.
public enum JSON {
    /// A new encoder with the shared settings: pretty-printed, keys sorted (so the same value
    /// always gives the same bytes and diffs stay small), slashes unescaped, dates in
    /// ISO 8601. NaN and infinities are not JSON and make encoding throw.
    ///
    /// `JSONEncoder` is a class, so each caller gets its own rather than sharing a global one.
    public static func makeEncoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty
            ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// A new decoder matching ``makeEncoder(pretty:)`` (ISO 8601 dates).
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// `value` as pretty, key-sorted JSON bytes ending in a newline.
    /// - Throws: ``IOError/encodingFailed(reason:)`` (for example for NaN).
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        do {
            var data = try makeEncoder(pretty: pretty).encode(value)
            if pretty { data.append(UInt8(ascii: "\n")) }
            return data
        } catch let error as EncodingError {
            throw IOError.encodingFailed(reason: describe(error))
        }
    }

    /// Decodes `T` from JSON `data`; `source` names it in errors. The text is checked by
    /// ``StrictJSON`` first: duplicate keys, numbers beyond a `Double` and anything outside
    /// RFC 8259 are refused with their line and column.
    /// - Throws: ``IOError/invalidJSON(source:path:message:)`` with the JSON path of the
    ///   problem, for example `parameters.membraneCapacitance: expected a number`; the errors
    ///   of ``StrictJSON/parse(_:source:)``.
    public static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, source: String = "<json>"
    ) throws -> T {
        try StrictJSON.check(data, source: source)
        return try decodeChecked(type, from: data, source: source)
    }

    /// Decodes `T` from `data` that ``StrictJSON`` has already checked.
    static func decodeChecked<T: Decodable>(
        _ type: T.Type, from data: Data, source: String
    ) throws -> T {
        do {
            return try makeDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            if let message = numberMismatch(error, in: data) {
                throw IOError.invalidJSON(source: source, path: "(top level)", message: message)
            }
            let (path, message) = describe(error)
            throw IOError.invalidJSON(source: source, path: path, message: message)
        }
    }

    /// Foundation's decoder reports a number that does not fit the type its key expects (1.5
    /// or 1e3 for an integer, 300 for a byte) as "The given data was not valid JSON." with no
    /// key. After ``StrictJSON`` has accepted the text that is what it means, so this says so
    /// and names the numbers of `data` that are not whole (the usual culprits), up to three,
    /// the shallowest first; nil for any other error.
    public static func numberMismatch(_ error: any Error, in data: Data) -> String? {
        guard case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty,
            context.debugDescription.contains("not valid JSON"),
            let root = try? StrictJSON.parse(data, source: "")
        else { return nil }
        // The shallowest first (in file order among equals): a hand-edited counter or version
        // at the top is the usual culprit, and would otherwise stand behind the measured
        // fractions of a result file. At most `limit` are kept, the shallowest.
        let limit = 4
        var fractions: [(depth: Int, text: String)] = []
        func visit(_ value: JSONValue, _ path: String, _ depth: Int) {
            if fractions.count == limit, let deepest = fractions.last, deepest.depth <= depth {
                return
            }
            switch value {
            case .object(let members):
                for member in members {
                    visit(
                        member.value, path.isEmpty ? member.key : path + "." + member.key,
                        depth + 1)
                }
            case .array(let items):
                for (index, item) in items.enumerated() {
                    visit(item, path + "[\(index)]", depth + 1)
                }
            case .number(let text) where text.contains(where: { ".eE".contains($0) }):
                let entry = (depth, "\(path.isEmpty ? "(top level)" : path) = \(text)")
                let position = fractions.firstIndex { $0.depth > depth } ?? fractions.endIndex
                fractions.insert(entry, at: position)
                if fractions.count > limit { fractions.removeLast() }
            default: break
            }
        }
        visit(root, "", 0)
        let list =
            fractions.isEmpty
            ? ""
            : "; numbers in the file that are not whole: "
                + fractions.prefix(3).map(\.text).joined(separator: ", ")
                + (fractions.count > 3 ? ", …" : "")
        return
            "a number does not fit the type its key expects (a fraction, or out of range, where "
            + "a whole number is expected)" + list
    }

    /// Reads and decodes the JSON file at `path` (at most ``ReadLimits/document`` bytes).
    public static func read<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        try decode(
            type, from: FileIO.read(path: path, maxBytes: ReadLimits.document.maxFileBytes),
            source: path)
    }

    /// Encodes `value` (see ``encode(_:pretty:)``) and writes it to `path` atomically.
    public static func write<T: Encodable>(
        _ value: T, to path: String, createParents: Bool = false
    ) throws {
        try FileIO.writeAtomically(encode(value), to: path, createParents: createParents)
    }

    /// A coding path as `a.b[3].c`; the empty path is `(top level)`.
    public static func pathString(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "(top level)" : text
    }

    /// The JSON path and a short message for a decoding error.
    static func describe(_ error: DecodingError) -> (path: String, message: String) {
        switch error {
        case .typeMismatch(let type, let context):
            let found = foundPhrase(context.debugDescription).map { ", found \($0)" } ?? ""
            return (pathString(context.codingPath), "expected \(typeName(type))\(found)")
        case .valueNotFound(let type, let context):
            return (pathString(context.codingPath), "expected \(typeName(type)), found null")
        case .keyNotFound(let key, let context):
            return (pathString(context.codingPath + [key]), "missing key")
        case .dataCorrupted(let context):
            var message = context.debugDescription
            if let underlying = context.underlyingError {
                message += " (\((underlying as NSError).localizedDescription))"
            }
            return (pathString(context.codingPath), message)
        @unknown default:
            return ("(top level)", String(describing: error))
        }
    }

    static func describe(_ error: EncodingError) -> String {
        switch error {
        case .invalidValue(let value, let context):
            return "\(pathString(context.codingPath)): cannot encode \(value) as JSON"
        @unknown default:
            return String(describing: error)
        }
    }

    /// What Foundation says it found ("... but found a string instead."), if it says.
    private static func foundPhrase(_ text: String) -> String? {
        guard let start = text.range(of: "found "),
            let end = text.range(of: " instead", range: start.upperBound..<text.endIndex)
        else { return nil }
        let phrase = text[start.upperBound..<end.lowerBound]
        return phrase.isEmpty || phrase.count > 30 ? nil : String(phrase)
    }

    /// How a user would call the JSON type that a Swift type decodes from.
    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is any BinaryFloatingPoint.Type, is any BinaryInteger.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return name.lowercased().contains("keyed") ? "an object" : "a value of type \(name)"
        }
    }
}
