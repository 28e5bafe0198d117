import Foundation
import HXNumerics

/// An n-dimensional array of `Float` with value semantics: the values that flow through a network.
///
/// Storage is row-major (the last index varies fastest). A tensor optionally carries a node of the
/// autodiff graph that produced it (see ``gradients(of:withRespectTo:)``): the graph lives in the
/// values, so there is no global tape. Units depend on where a tensor sits: chip inputs are in
/// chip units (5-bit activations 0…31), weights in chip units (6-bit, −63…63), VMM outputs in
/// LSB of the chip's 8-bit ADC (−128…127).
public struct Tensor: Sendable {
    /// The size of each axis; `[]` for a scalar.
    public let shape: [Int]
    /// The elements in row-major order.
    public internal(set) var storage: [Float]
    /// The autodiff node that produced this value, if any input required gradients.
    let node: GradNode?

    /// A tensor of `shape` over row-major `storage`.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:got:)`` when `storage` does not
    ///   hold exactly the product of `shape` elements, ``NetworkError/invalidArgument(_:)`` for a
    ///   negative axis size.
    public init(shape: [Int], storage: [Float]) throws {
        let count = try Tensor.elementCount(shape, operation: "Tensor(shape:storage:)")
        guard count == storage.count else {
            throw NetworkError.shapeMismatch(
                operation: "Tensor(shape:storage:)", expected: shape, got: [storage.count])
        }
        self.init(unchecked: shape, storage)
    }

    /// A tensor of `shape` filled with `value`.
    /// - Throws: ``NetworkError/invalidArgument(_:)`` for a negative axis size.
    public init(shape: [Int], repeating value: Float) throws {
        let count = try Tensor.elementCount(shape, operation: "Tensor(shape:repeating:)")
        self.init(unchecked: shape, Array(repeating: value, count: count))
    }

    /// A rank-1 tensor holding `values`.
    public init(_ values: [Float]) {
        self.init(unchecked: [values.count], values)
    }

    /// A rank-0 tensor holding `value`.
    public init(scalar value: Float) {
        self.init(unchecked: [], [value])
    }

    /// A rank-2 tensor with the rows and columns of `matrix`.
    public init(_ matrix: Matrix<Float>) {
        self.init(unchecked: [matrix.rows, matrix.columns], matrix.storage)
    }

    /// A rank-2 tensor from nested rows, which must all have the same length.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:got:)`` for ragged rows.
    public init(_ rows: [[Float]]) throws {
        let columns = rows.first?.count ?? 0
        for row in rows where row.count != columns {
            throw NetworkError.shapeMismatch(
                operation: "Tensor(rows)", expected: [rows.count, columns],
                got: [rows.count, row.count])
        }
        self.init(unchecked: [rows.count, columns], rows.flatMap { $0 })
    }

    /// Internal initializer for storage already known to fit the shape.
    init(unchecked shape: [Int], _ storage: [Float], node: GradNode? = nil) {
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// A tensor of zeros; internal because callers have already validated `shape`.
    static func zeros(_ shape: [Int]) -> Tensor {
        Tensor(unchecked: shape, Array(repeating: 0, count: shape.reduce(1, *)))
    }

    /// The number of axes.
    public var rank: Int { shape.count }

    /// The number of elements.
    public var count: Int { storage.count }

    /// The element at `indices` (one per axis, each in range, as for array subscripts).
    public subscript(_ indices: Int...) -> Float {
        precondition(indices.count == shape.count, "one index per axis")
        var offset = 0
        for (index, size) in zip(indices, shape) {
            precondition(index >= 0 && index < size, "index out of range")
            offset = offset * size + index
        }
        return storage[offset]
    }

    /// The only element of a one-element tensor.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:got:)`` for more elements.
    public func item() throws -> Float {
        guard storage.count == 1 else {
            throw NetworkError.shapeMismatch(operation: "item", expected: [], got: shape)
        }
        return storage[0]
    }

    /// The tensor as a matrix; it must have rank 2.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:got:)`` for another rank.
    public func matrix() throws -> Matrix<Float> {
        guard rank == 2 else {
            throw NetworkError.shapeMismatch(operation: "matrix", expected: [-1, -1], got: shape)
        }
        return try Matrix(rows: shape[0], columns: shape[1], storage: storage)
    }

    /// Whether gradients flow back through this value.
    public var requiresGradient: Bool { node != nil }

    /// The same values as a fresh leaf of the autodiff graph: gradients of a later result with
    /// respect to the returned tensor can be taken with ``gradients(of:withRespectTo:)``.
    public func trackingGradient() -> Tensor {
        Tensor(unchecked: shape, storage, node: GradNode(parents: [], backward: nil))
    }

    /// The same values, cut from the autodiff graph.
    public func detached() -> Tensor {
        Tensor(unchecked: shape, storage)
    }

    /// Whether every element is finite.
    public var isFinite: Bool {
        storage.withUnsafeBufferPointer(Self.allFinite)
    }

    /// Whether every value is finite, in one pass without branches.
    static func allFinite(_ buffer: UnsafeBufferPointer<Float>) -> Bool {
        // Summing x - x gives NaN exactly when some x is NaN or infinite.
        var probe: Float = 0
        for value in buffer { probe += value - value }
        return probe == 0
    }

    /// Throws ``NetworkError/nonFinite(tensor:)`` naming the tensor when an element is NaN or
    /// infinite.
    func checkFinite(_ name: @autoclosure () -> String) throws {
        guard isFinite else { throw NetworkError.nonFinite(tensor: name()) }
    }

    /// The product of `shape`, checked for negative sizes and overflow.
    static func elementCount(_ shape: [Int], operation: String) throws -> Int {
        var count = 1
        for size in shape {
            guard size >= 0 else {
                throw NetworkError.invalidArgument("\(operation): negative axis size in \(shape)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw NetworkError.invalidArgument("\(operation): shape \(shape) is too large")
            }
            count = product
        }
        return count
    }
}

extension Tensor: Equatable {
    /// Tensors are equal when shapes and elements are; the autodiff graph does not take part.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.storage == rhs.storage
    }
}

extension Tensor: CustomStringConvertible {
    /// A one-line human-readable form.
    public var description: String {
        let shown = storage.prefix(8).map { String($0) }.joined(separator: ", ")
        let more = storage.count > 8 ? ", … (\(storage.count) values)" : ""
        return "Tensor(shape: \(ValueText.shape(shape)), [\(shown)\(more)])"
    }
}

extension Tensor: Codable {
    private enum CodingKeys: String, CodingKey { case shape, float32 }

    /// Decodes `{"shape": [...], "float32": "<base64>"}`: the elements as little-endian IEEE-754
    /// binary32 in row-major order, so that values round-trip bit for bit.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let shape = try container.decode([Int].self, forKey: .shape)
        let text = try container.decode(String.self, forKey: .float32)
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .float32, in: container,
                debugDescription: "tensor data is not base64 of 4-byte floats")
        }
        var values = [Float](repeating: 0, count: data.count / 4)
        data.withUnsafeBytes { raw in
            for index in values.indices {
                let bits = raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)
                values[index] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        do {
            try self.init(shape: shape, storage: values)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .float32, in: container,
                debugDescription: "tensor of shape \(shape) holds \(values.count) values")
        }
    }

    /// Encodes the shape and the elements as base64 little-endian binary32.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shape, forKey: .shape)
        var data = Data(capacity: storage.count * 4)
        for value in storage {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        try container.encode(data.base64EncodedString(), forKey: .float32)
    }
}
