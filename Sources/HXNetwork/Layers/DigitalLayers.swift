/// Layers without parameters that run on the host (or, on the chip, on its processors):
/// activations, reshaping and input scaling (pooling is in `Pooling.swift`). Each one's record
/// in model files is written next to it, or is its stored properties (`Codable` as Swift
/// writes it).

/// hxtorch's `ReLU`; see ``relu(_:backend:)``.
public struct ReLU: SerializableLayer {
    /// This layer's back end, or `nil` for the context's. Not saved in model files.
    public var backend: Backend?

    /// A ReLU following the context's back end unless `backend` is given.
    public init(backend: Backend? = nil) { self.backend = backend }

    /// ``relu(_:backend:)`` on the layer's or the context's back end (timed as digital).
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        let resolved = backend ?? context.backend
        return try context.measure(.digital) { try relu(input, backend: resolved) }
    }
}

/// hxtorch's `ConvertingReLU`: ReLU, then a right shift by `shift` bits that turns 8-bit outputs
/// (0…127 LSB) into 5-bit chip inputs (0…31); see ``convertingReLU(_:shift:backend:)``.
public struct ConvertingReLU: SerializableLayer {
    /// Bits shifted right (hxtorch's default 2, which maps 0…127 onto 0…31).
    public var shift: Int
    /// This layer's back end, or `nil` for the context's. Not saved in model files.
    public var backend: Backend?

    /// A converting ReLU; `shift` must be in 0…7.
    public init(shift: Int = 2, backend: Backend? = nil) throws {
        guard (0...7).contains(shift) else {
            throw NetworkError.outOfRange(
                name: "converting ReLU shift", value: Double(shift), allowed: 0...7)
        }
        self.shift = shift
        self.backend = backend
    }

    /// ``convertingReLU(_:shift:backend:)`` on the layer's or the context's back end (timed as
    /// digital).
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        let resolved = backend ?? context.backend
        return try context.measure(.digital) {
            try convertingReLU(input, shift: shift, backend: resolved)
        }
    }
}

/// Merges axes `startAxis...` into one (PyTorch's `Flatten`; default: all but the batch axis).
public struct Flatten: SerializableLayer {
    /// The first axis merged.
    public var startAxis: Int

    /// A flattening layer from `startAxis` on.
    public init(startAxis: Int = 1) { self.startAxis = startAxis }

    /// `input` with axes `startAxis...` merged.
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try input.flattened(startAxis: startAxis)
    }
}

/// Gives each sample a new shape: `[N, ...]` to `[N] + shape` (for example the rows of a
/// feature matrix to `[N, C, L]` for a convolution).
public struct Reshape: SerializableLayer {
    /// The shape of one sample.
    public var shape: [Int]

    /// A layer reshaping each sample to `shape`.
    public init(shape: [Int]) { self.shape = shape }

    /// `[N, ...]` to `[N] + shape`.
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        guard input.rank >= 1 else {
            throw NetworkError.shapeMismatch(
                operation: "Reshape", expected: [-1] + shape, got: input.shape)
        }
        return try input.reshaped([input.shape[0]] + shape)
    }
}

/// hxtorch's `scale_input` as a layer: scales the batch so that its largest value is 31.
public struct ScaleInput: SerializableLayer {
    /// A scaling layer.
    public init() {}

    /// `input` scaled so that its largest element is 31 (timed as digital).
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try context.measure(.digital) { try scaleInput(input) }
    }
}

extension ReLU {
    /// A ReLU record has no keys; the back end is left to the context.
    public init(from decoder: any Decoder) throws { self.init() }

    /// Nothing to encode beyond the record's `type`.
    public func encode(to encoder: any Encoder) throws {}
}

extension ConvertingReLU {
    /// Decodes and validates `shift`; the back end is left to the context.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKey.self)
        try self.init(shift: c.decode(Int.self, forKey: "shift"))
    }

    /// Encodes `shift`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKey.self)
        try c.encode(shift, forKey: "shift")
    }
}
