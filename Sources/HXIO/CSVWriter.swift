import Foundation
import HXNumerics

extension CSV {
    /// The matrix as CSV text: one line per row, values in their shortest exact form (a
    /// `Double` or `Float` read back from the text is the same number), an optional header
    /// line first. Every line ends with `\n`.
    /// - Throws: ``IOError/invalidArgument(_:)`` when the header does not have one name per
    ///   column.
    public static func format<Element: Numeric & LosslessStringConvertible>(
        _ matrix: Matrix<Element>, header: [String]? = nil
    ) throws -> String {
        var text = ""
        if let header {
            guard header.count == matrix.columns else {
                throw IOError.invalidArgument(
                    "CSV header has \(header.count) names for \(matrix.columns) columns")
            }
            text += header.map(quoted).joined(separator: ",") + "\n"
        }
        for row in 0..<matrix.rows {
            text += matrix.row(row).map { $0.description }.joined(separator: ",") + "\n"
        }
        return text
    }

    /// Writes the matrix as CSV (see ``format(_:header:)``) to `path`, atomically.
    public static func write<Element: Numeric & LosslessStringConvertible>(
        _ matrix: Matrix<Element>, to path: String, header: [String]? = nil
    ) throws {
        try FileIO.writeAtomically(format(matrix, header: header), to: path)
    }

    /// `field` as one CSV field: double-quoted (with `"` doubled) when it holds a comma, a
    /// quote, a line break, or blanks at either end, which would otherwise change its meaning.
    public static func quoted(_ field: String) -> String {
        let needsQuotes =
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || field.first == " " || field.last == " " || field.first == "#"
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
