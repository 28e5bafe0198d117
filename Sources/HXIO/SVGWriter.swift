import Foundation

/// Builds SVG (XML) text with every attribute value and text node escaped.
struct SVGWriter {
    private(set) var body = ""
    private var depth = 0

    var document: String { "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body }

    mutating func open(_ name: String, _ attributes: [(String, String)]) {
        body += indent + "<" + name + Self.attributes(attributes) + ">\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        body += indent + "</" + name + ">\n"
    }

    mutating func element(_ name: String, _ attributes: [(String, String)]) {
        body += indent + "<" + name + Self.attributes(attributes) + "/>\n"
    }

    mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ attributes: [(String, String)]
    ) {
        element(
            "line",
            [("x1", fmt(x1)), ("y1", fmt(y1)), ("x2", fmt(x2)), ("y2", fmt(y2))] + attributes)
    }

    mutating func text(_ content: String, x: Double, y: Double, _ attributes: [(String, String)]) {
        body +=
            indent + "<text" + Self.attributes([("x", fmt(x)), ("y", fmt(y))] + attributes) + ">"
            + Self.escape(content) + "</text>\n"
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    private static func attributes(_ list: [(String, String)]) -> String {
        list.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// `text` safe inside XML text and attribute values: markup characters become entities,
    /// and characters XML 1.0 forbids (most control characters) become U+FFFD.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                let allowed =
                    (value >= 0x20 && value <= 0xD7FF) || (value >= 0xE000 && value <= 0xFFFD)
                    || value >= 0x10000
                result.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return result
    }
}

/// `text` safe inside XML (SVG) text and attribute values (``SVGWriter/escape(_:)``), for SVG
/// written by hand outside this module.
public func xmlEscaped(_ text: String) -> String { SVGWriter.escape(text) }
