import Foundation

/// One cell of a results ``Table``: text, an integer, a real number, or nothing.
public enum TableCell: Sendable, Equatable, Codable, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral
{
    /// Text, written as is (escaped for the output format).
    case text(String)
    /// An integer, written in full.
    case integer(Int)
    /// A real number, written with the table's precision.
    case number(Double)
    /// An empty cell.
    case missing

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }

    /// Whether the cell holds a number (integers included).
    public var isNumeric: Bool {
        switch self {
        case .integer, .number: return true
        case .text, .missing: return false
        }
    }

    /// The cell as text; real numbers with `precision` digits after the point, or in their
    /// shortest exact form when `precision` is nil.
    public func formatted(precision: Int?) -> String {
        switch self {
        case .text(let text): return text
        case .integer(let value): return String(value)
        case .missing: return ""
        case .number(let value):
            guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
            guard let precision else { return value.description }
            let text = String(format: "%.\(max(0, precision))f", value)
            // "-0.000" says nothing that "0.000" does not.
            if text.hasPrefix("-"), text.allSatisfy({ "-0.".contains($0) }) {
                return String(text.dropFirst())
            }
            return text
        }
    }
}

/// A table of results with a header, written as CSV or as a Markdown table.
public struct Table: Sendable, Equatable, Codable {
    /// The column names.
    public let header: [String]
    /// The rows; each has one cell per column.
    public private(set) var rows: [[TableCell]]

    /// A table with `header` and `rows`.
    /// - Throws: ``IOError/invalidArgument(_:)`` when a row's width differs from the header's.
    public init(header: [String], rows: [[TableCell]] = []) throws {
        self.header = header
        self.rows = []
        for row in rows { try append(row) }
    }

    /// Appends one row, which must have one cell per column.
    public mutating func append(_ row: [TableCell]) throws {
        guard row.count == header.count else {
            throw IOError.invalidArgument(
                "table row \(rows.count) has \(row.count) cells for \(header.count) columns")
        }
        rows.append(row)
    }

    /// The table as CSV: header line, then one line per row; numbers in their shortest exact
    /// form unless `precision` is given; text quoted where needed (see ``CSV/quoted(_:)``).
    public func csv(precision: Int? = nil) -> String {
        var text = header.map(CSV.quoted).joined(separator: ",") + "\n"
        for row in rows {
            text +=
                row.map { CSV.quoted($0.formatted(precision: precision)) }
                .joined(separator: ",") + "\n"
        }
        return text
    }

    /// The table as GitHub-flavoured Markdown with padded, aligned columns: numeric columns
    /// right-aligned, others left-aligned; real numbers with `precision` digits after the point.
    public func markdown(precision: Int = 3) -> String {
        let cells = rows.map { row in row.map { escapeMarkdown($0.formatted(precision: precision)) }
        }
        let names = header.map(escapeMarkdown)
        let numeric = (0..<header.count).map { column in
            rows.contains { $0[column].isNumeric }
                && rows.allSatisfy { $0[column].isNumeric || $0[column] == .missing }
        }
        let widths = (0..<header.count).map { column in
            max(3, names[column].count, cells.map { $0[column].count }.max() ?? 0)
        }
        func line(_ fields: [String]) -> String {
            let padded = fields.enumerated().map { column, field in
                let padding = String(repeating: " ", count: widths[column] - field.count)
                return numeric[column] ? padding + field : field + padding
            }
            return "| " + padded.joined(separator: " | ") + " |\n"
        }
        let rule = widths.enumerated().map { column, width in
            numeric[column]
                ? String(repeating: "-", count: width - 1) + ":"
                : String(repeating: "-", count: width)
        }
        var text = line(names)
        text += "| " + rule.joined(separator: " | ") + " |\n"
        for row in cells { text += line(row) }
        return text
    }

    /// Writes ``csv(precision:)`` to `path` atomically.
    public func writeCSV(to path: String, precision: Int? = nil) throws {
        try FileIO.writeAtomically(csv(precision: precision), to: path)
    }

    /// Writes ``markdown(precision:)`` to `path` atomically.
    public func writeMarkdown(to path: String, precision: Int = 3) throws {
        try FileIO.writeAtomically(markdown(precision: precision), to: path)
    }

    /// A pipe would end the cell and a line break the row, so both are escaped.
    private func escapeMarkdown(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
