/// A dense, row-major matrix with value semantics.
///
/// The one container HXSim passes between layers: inputs (batch × rows), weights
/// (rows × columns) and ADC codes (batch × columns). Storage is a Swift array, so copies are
/// cheap until written (copy on write).
public struct Matrix<Element: Sendable>: Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The elements, row after row.
    public internal(set) var storage: [Element]

    /// A matrix filled with one value.
    public init(rows: Int, columns: Int, repeating value: Element) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must not be negative")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over existing row-major storage.
    /// - Throws: ``NumericsError/shapeMismatch(expected:got:)`` when the storage does not hold
    ///   exactly `rows × columns` elements.
    public init(rows: Int, columns: Int, storage: [Element]) throws {
        guard rows >= 0, columns >= 0 else {
            throw NumericsError.invalidArgument("matrix dimensions \(rows) × \(columns)")
        }
        guard storage.count == rows * columns else {
            throw NumericsError.shapeMismatch(expected: [rows, columns], got: [storage.count])
        }
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix from nested rows, which must all have the same length.
    public init(_ nested: [[Element]]) throws {
        let columns = nested.first?.count ?? 0
        for (index, row) in nested.enumerated() where row.count != columns {
            throw NumericsError.raggedRows(row: index, expected: columns, got: row.count)
        }
        try self.init(rows: nested.count, columns: columns, storage: nested.flatMap { $0 })
    }

    /// `[rows, columns]`.
    public var shape: [Int] { [rows, columns] }

    /// Number of elements.
    public var count: Int { storage.count }

    /// The element at (`row`, `column`); both indices must be in range.
    public subscript(row: Int, column: Int) -> Element {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// One row, as a slice of the storage.
    public func row(_ index: Int) -> ArraySlice<Element> {
        storage[index * columns..<(index + 1) * columns]
    }

    /// The rows as nested arrays.
    public var nestedRows: [[Element]] { (0..<rows).map { Array(row($0)) } }

    /// The element-wise image under `transform`.
    public func map<T: Sendable>(_ transform: (Element) throws -> T) rethrows -> Matrix<T> {
        Matrix<T>(unchecked: rows, columns, try storage.map(transform))
    }

    /// The transpose.
    public func transposed() -> Matrix<Element> {
        var result: [Element] = []
        result.reserveCapacity(count)
        for c in 0..<columns {
            for r in 0..<rows { result.append(storage[r * columns + c]) }
        }
        return Matrix(unchecked: columns, rows, result)
    }

    /// The sub-matrix of the given row and column ranges.
    public func slice(rows rowRange: Range<Int>, columns columnRange: Range<Int>) -> Matrix<Element>
    {
        var result: [Element] = []
        result.reserveCapacity(rowRange.count * columnRange.count)
        for r in rowRange {
            result.append(
                contentsOf: storage[
                    (r * columns + columnRange.lowerBound)..<(r * columns + columnRange.upperBound)]
            )
        }
        return Matrix(unchecked: rowRange.count, columnRange.count, result)
    }

    /// Gives mutable access to the storage without copying.
    public mutating func withUnsafeMutableStorage<R>(
        _ body: (inout UnsafeMutableBufferPointer<Element>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }

    /// Internal initializer for storage already known to fit.
    @usableFromInline
    init(unchecked rows: Int, _ columns: Int, _ storage: [Element]) {
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }
}

extension Matrix: Equatable where Element: Equatable {}
extension Matrix: Hashable where Element: Hashable {}

extension Matrix: Codable where Element: Codable {
    private enum CodingKeys: String, CodingKey { case rows, columns, data }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try container.decode(Int.self, forKey: .rows)
        let columns = try container.decode(Int.self, forKey: .columns)
        let data = try container.decode([Element].self, forKey: .data)
        do {
            try self.init(rows: rows, columns: columns, storage: data)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .data, in: container,
                debugDescription: "matrix of \(rows) × \(columns) holds \(data.count) values")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows, forKey: .rows)
        try container.encode(columns, forKey: .columns)
        try container.encode(storage, forKey: .data)
    }
}
