import Foundation

/// A JSON value as written in a file: objects keep their members in file order, numbers their
/// text. The strict scanner (``StrictJSON``) produces it; formats that want more than
/// Foundation's decoder checks (unknown keys, duplicate keys) inspect it.
public indirect enum JSONValue: Sendable, Equatable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    /// A number, as its text (`-1.5e3`), known to be within the range of a `Double`.
    case number(String)
    case bool(Bool)
    case null

    /// The value of `key` if this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// What kind of value this is, as a user would call it ("an object", "a number", ...).
    public var kindName: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "true or false"
        case .null: return "null"
        }
    }
}

/// One member of a JSON object, with the place it was written.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue
    /// 1-based line and column of the key in the source.
    public var line: Int
    public var column: Int
}

/// A strict JSON (RFC 8259) scanner that runs in front of Foundation's decoder.
///
/// Foundation's `JSONDecoder` keeps one of two equal keys silently, so `"readNoise": 1.2,
/// "readNoise": -5` would bypass the check of the first value; it also turns a number beyond a
/// `Double` (`1e999`) into a confusing type error. This scanner refuses both, with the line and
/// column, and refuses anything else outside the grammar: trailing commas, comments, `NaN`,
/// leading zeros, control characters in strings, invalid UTF-8 or escapes, lone surrogates,
/// text after the value, and nesting deeper than ``maxDepth``.
public enum StrictJSON {
    /// The deepest nesting of arrays and objects accepted; HXSim's files nest fewer than ten.
    public static let maxDepth = 200

    /// Parses `data`; `source` names it in errors.
    /// - Throws: ``IOError/malformedJSON(source:line:column:reason:)``,
    ///   ``IOError/duplicateKey(source:path:key:line:column:)`` or
    ///   ``IOError/numberOutOfRange(source:line:column:token:)``.
    public static func parse(_ data: Data, source: String) throws -> JSONValue {
        try data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self), source: source)
            return try scanner.document()
        }
    }

    /// Checks `data` without keeping the tree (see ``parse(_:source:)``).
    public static func check(_ data: Data, source: String) throws {
        _ = try parse(data, source: source)
    }

    /// Keys of `original` that `known` does not have at the same place, as JSON paths
    /// (`settings.gainTrials`), in file order. `known` is what the decoded value encodes back
    /// to, so a key the format does not read shows up here. A key written as `null` that the
    /// encoder leaves out is not reported.
    public static func unknownKeys(in original: JSONValue, comparedTo known: JSONValue) -> [String]
    {
        var found: [String] = []
        collectUnknown(original, known, path: "", into: &found)
        return found
    }

    private static func collectUnknown(
        _ original: JSONValue, _ known: JSONValue, path: String, into found: inout [String]
    ) {
        switch (original, known) {
        case (.object(let members), .object):
            for member in members {
                let childPath = path.isEmpty ? member.key : path + "." + member.key
                if let counterpart = known[member.key] {
                    collectUnknown(member.value, counterpart, path: childPath, into: &found)
                } else if member.value != .null {
                    found.append(childPath)
                }
            }
        case (.array(let items), .array(let knownItems)):
            for (index, item) in items.enumerated() where index < knownItems.count {
                collectUnknown(item, knownItems[index], path: "\(path)[\(index)]", into: &found)
            }
        default:
            return
        }
    }

    /// The recursive-descent scanner over the bytes.
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        let source: String
        var position = 0
        var depth = 0
        /// The keys and indices leading to the current value, for messages.
        var pathStack: [PathComponent] = []

        enum PathComponent {
            case key(String)
            case index(Int)
        }

        /// The current JSON path as `a.b[3]`.
        var pathText: String {
            var text = ""
            for component in pathStack {
                switch component {
                case .key(let key): text += (text.isEmpty ? "" : ".") + key
                case .index(let index): text += "[\(index)]"
                }
            }
            return text
        }

        init(bytes: UnsafeBufferPointer<UInt8>, source: String) {
            self.bytes = bytes
            self.source = source
        }

        mutating func document() throws -> JSONValue {
            // A UTF-8 byte-order mark is allowed (RFC 8259 §8.1) and ignored.
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                position = 3
            }
            skipWhitespace()
            guard position < bytes.count else {
                throw failure(bytes.isEmpty ? "the file is empty" : "no value, only blanks")
            }
            let value = try self.value()
            skipWhitespace()
            guard position == bytes.count else {
                throw failure("unexpected text after the JSON value")
            }
            return value
        }

        /// The line being scanned (1-based) and the offset where it starts, kept up to date
        /// by ``skipWhitespace()`` (line breaks occur only there: strings cannot hold one).
        var line = 1
        var lineStart = 0

        /// 1-based line and column of byte `offset`: from the running count for the current
        /// line, by a scan from the start for an earlier one (only for messages).
        func place(_ offset: Int) -> (line: Int, column: Int) {
            if offset >= lineStart { return (line, offset - lineStart + 1) }
            var line = 1
            var lineStart = 0
            for index in 0..<min(offset, bytes.count) where bytes[index] == 0x0A {
                line += 1
                lineStart = index + 1
            }
            return (line, offset - lineStart + 1)
        }

        func failure(_ reason: String, at offset: Int? = nil) -> IOError {
            let (line, column) = place(offset ?? position)
            return .malformedJSON(
                source: source, line: line, column: column,
                path: pathStack.isEmpty ? "(top level)" : pathText, reason: reason)
        }

        /// What is at the current position, for messages.
        func found() -> String {
            guard position < bytes.count else { return "the end of the file" }
            let byte = bytes[position]
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x\(String(byte, radix: 16))"
        }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0D: position += 1
                case 0x0A:
                    position += 1
                    line += 1
                    lineStart = position
                default: return
                }
            }
        }

        mutating func value() throws -> JSONValue {
            guard position < bytes.count else { throw failure("expected a value, found the end") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default:
                throw failure("expected a value, found \(found())")
            }
        }

        mutating func literal(_ word: String) throws {
            for byte in word.utf8 {
                guard position < bytes.count, bytes[position] == byte else {
                    throw failure("expected \(word), found \(found())")
                }
                position += 1
            }
        }

        mutating func enter() throws {
            depth += 1
            guard depth <= StrictJSON.maxDepth else {
                throw failure("nested deeper than \(StrictJSON.maxDepth) levels")
            }
        }

        mutating func object() throws -> JSONValue {
            try enter()
            defer { depth -= 1 }
            position += 1
            var members: [JSONMember] = []
            var keys: Set<String> = []
            if closesEmpty("}") { return .object([]) }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw failure("expected a key in double quotes, found \(found())")
                }
                let keyStart = position
                let key = try string()
                let (line, column) = place(keyStart)
                guard keys.insert(key).inserted else {
                    throw IOError.duplicateKey(
                        source: source, path: pathStack.isEmpty ? "(top level)" : pathText,
                        key: key,
                        line: line, column: column)
                }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                    throw failure("expected ':' after the key '\(key)', found \(found())")
                }
                position += 1
                skipWhitespace()
                pathStack.append(.key(key))
                let value = try self.value()
                pathStack.removeLast()
                members.append(JSONMember(key: key, value: value, line: line, column: column))
                if try !hasNextElement("object", closedBy: "}") { return .object(members) }
            }
        }

        mutating func array() throws -> JSONValue {
            try enter()
            defer { depth -= 1 }
            position += 1
            var items: [JSONValue] = []
            if closesEmpty("]") { return .array([]) }
            while true {
                skipWhitespace()
                pathStack.append(.index(items.count))
                items.append(try value())
                pathStack.removeLast()
                if try !hasNextElement("array", closedBy: "]") { return .array(items) }
            }
        }

        /// After the opening bracket of an object or array: whether `close` follows at once
        /// (then consumed), the container empty.
        mutating func closesEmpty(_ close: Unicode.Scalar) -> Bool {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: close) else {
                return false
            }
            position += 1
            return true
        }

        /// After an element of an object or array (`what`): true, with the comma consumed,
        /// when another element follows; false, with `close` consumed, at the end.
        mutating func hasNextElement(_ what: String, closedBy close: Unicode.Scalar) throws -> Bool
        {
            skipWhitespace()
            guard position < bytes.count else { throw failure("the \(what) is not closed") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: close) {
                    throw failure("a comma before '\(close)' (trailing commas are not JSON)")
                }
                return true
            }
            guard bytes[position] == UInt8(ascii: close) else {
                throw failure("expected ',' or '\(close)' in the \(what), found \(found())")
            }
            position += 1
            return false
        }

        /// A string starting at the opening quote; escapes decoded, UTF-8 checked.
        mutating func string() throws -> String {
            let start = position
            position += 1
            var scalars = String.UnicodeScalarView()
            var plainStart = position
            func flushPlain(_ end: Int) throws {
                guard end > plainStart else { return }
                guard
                    let text = String(
                        validating: UnsafeBufferPointer(rebasing: bytes[plainStart..<end]),
                        as: UTF8.self)
                else { throw failure("invalid UTF-8 in a string", at: plainStart) }
                scalars.append(contentsOf: text.unicodeScalars)
            }
            while true {
                guard position < bytes.count else {
                    throw failure("the string is not closed", at: start)
                }
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    try flushPlain(position)
                    position += 1
                    return String(scalars)
                }
                if byte < 0x20 {
                    throw failure(
                        "control character 0x\(String(byte, radix: 16)) in a string (escape it)")
                }
                if byte != UInt8(ascii: "\\") {
                    position += 1
                    continue
                }
                try flushPlain(position)
                position += 1
                guard position < bytes.count else { throw failure("the string is not closed") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
                default:
                    throw failure(
                        "invalid escape '\\\(Character(Unicode.Scalar(escape)))'", at: position - 2)
                }
                plainStart = position
            }
        }

        /// The scalar of `\uXXXX` (after the `u`), with a following low surrogate if needed.
        mutating func unicodeEscape() throws -> Unicode.Scalar {
            let escapeStart = position - 2
            let high = try hexQuad()
            if (0xDC00...0xDFFF).contains(high) {
                throw failure("a lone low surrogate \\u\(String(high, radix: 16))", at: escapeStart)
            }
            guard (0xD800...0xDBFF).contains(high) else {
                return Unicode.Scalar(high)!
            }
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            else {
                throw failure(
                    "a lone high surrogate \\u\(String(high, radix: 16))", at: escapeStart)
            }
            position += 2
            let low = try hexQuad()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw failure("a high surrogate without its low half", at: escapeStart)
            }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }

        mutating func hexQuad() throws -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard position < bytes.count, let digit = hexDigit(bytes[position]) else {
                    throw failure("\\u needs four hexadecimal digits")
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }

        func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }

        func isDigit(_ index: Int) -> Bool {
            index < bytes.count && bytes[index] >= UInt8(ascii: "0")
                && bytes[index] <= UInt8(ascii: "9")
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, within a Double's range.
        mutating func number() throws -> JSONValue {
            let start = position
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard isDigit(position) else { throw failure("expected a digit after '-'") }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
                if isDigit(position) {
                    throw failure("a number with a leading zero", at: start)
                }
            } else {
                while isDigit(position) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard isDigit(position) else { throw failure("expected a digit after '.'") }
                while isDigit(position) { position += 1 }
            }
            if position < bytes.count,
                bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")
            {
                position += 1
                if position < bytes.count,
                    bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")
                {
                    position += 1
                }
                guard isDigit(position) else { throw failure("expected a digit in the exponent") }
                while isDigit(position) { position += 1 }
            }
            let text = String(
                decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else {
                let (line, column) = place(start)
                throw IOError.numberOutOfRange(
                    source: source, line: line, column: column, token: text)
            }
            return .number(text)
        }
    }
}
