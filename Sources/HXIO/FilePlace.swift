/// Where in its input an error is: the file (or `source`, for text that did not come from a
/// file) and, in text, the 1-based line and column. ``IOError`` and the data loaders' errors
/// write it the one way editors read it (`a.csv:3:7: what is wrong`).
public struct FilePlace: Sendable, Equatable, CustomStringConvertible {
    /// The file or source; nil for an error that belongs to no file.
    public var source: String?
    /// The 1-based line, if the error is at one.
    public var line: Int?
    /// The 1-based column in ``line``, if the error is at one.
    public var column: Int?

    /// No place: the error belongs to no file.
    public static let nowhere = FilePlace()

    /// A whole file or source.
    public static func file(_ source: String) -> FilePlace { FilePlace(source: source) }

    /// A line of a file; line 0 (a reader's "no line": the file as a whole) is the file.
    public static func line(_ source: String, _ line: Int) -> FilePlace {
        FilePlace(source: source, line: line >= 1 ? line : nil)
    }

    /// A line and column of a file.
    public static func column(_ source: String, _ line: Int, _ column: Int) -> FilePlace {
        FilePlace(source: source, line: line, column: column)
    }

    /// `a.csv:3:7` ("" for ``nowhere``).
    public var description: String {
        guard let source else { return "" }
        return source + (line.map { ":\($0)" } ?? "") + (column.map { ":\($0)" } ?? "")
    }

    /// `line 3, column 7` without the file, for a message that names the file already; nil
    /// without a line.
    public var words: String? {
        guard let line else { return nil }
        return "line \(line)" + (column.map { ", column \($0)" } ?? "")
    }

    /// `text` with the place in front (`a.csv:3:7: text`), or `text` alone for ``nowhere``.
    public func describing(_ text: String) -> String {
        source == nil ? text : "\(self): \(text)"
    }
}
