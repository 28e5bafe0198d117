/// Layers without parameters that run on the host (or, on the chip, on its processors):
/// activations, reshaping, input scaling and pooling.

/// hxtorch's `ReLU`; see ``relu(_:backend:)``.
public struct ReLU: Module {
    /// This layer's back end, or `nil` for the context's. Not saved in model files.
    public var backend: Backend?

    /// A ReLU following the context's back end unless `backend` is given.
    public init(backend: Backend? = nil) { self.backend = backend }

    /// ``relu(_:backend:)`` on the layer's or the context's back end (timed as digital).
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        let resolved = backend ?? context.backend
        return try context.measure(.digital) { try relu(input, backend: resolved) }
    }

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .relu(self) }
}

/// hxtorch's `ConvertingReLU`: ReLU, then a right shift by `shift` bits that turns 8-bit outputs
/// (0…127 LSB) into 5-bit chip inputs (0…31); see ``convertingReLU(_:shift:backend:)``.
public struct ConvertingReLU: Module {
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

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .convertingReLU(self) }
}

/// Merges axes `startAxis...` into one (PyTorch's `Flatten`; default: all but the batch axis).
public struct Flatten: Module {
    /// The first axis merged.
    public var startAxis: Int

    /// A flattening layer from `startAxis` on.
    public init(startAxis: Int = 1) { self.startAxis = startAxis }

    /// `input` with axes `startAxis...` merged.
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try input.flattened(startAxis: startAxis)
    }

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .flatten(self) }
}

/// Gives each sample a new shape: `[N, ...]` to `[N] + shape` (for example the rows of a
/// feature matrix to `[N, C, L]` for a convolution).
public struct Reshape: Module {
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

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .reshape(self) }
}

/// hxtorch's `scale_input` as a layer: scales the batch so that its largest value is 31.
public struct ScaleInput: Module {
    /// A scaling layer.
    public init() {}

    /// `input` scaled so that its largest element is 31 (timed as digital).
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try context.measure(.digital) { try scaleInput(input) }
    }

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .scaleInput(self) }
}

/// Max pooling over the last axis of `[N, C, L]`.
public struct MaxPool1d: Module {
    /// Window length.
    public var kernelSize: Int
    /// Step between windows (defaults to the window length).
    public var stride: Int

    /// A pooling layer with windows of `kernelSize`.
    public init(kernelSize: Int, stride: Int? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// ``maxPool1d(_:kernelSize:stride:)`` of `[N, C, L]` (timed as digital).
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try context.measure(.digital) {
            try maxPool1d(input, kernelSize: kernelSize, stride: stride)
        }
    }

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .maxPool1d(self) }
}

/// Average pooling over the last axis of `[N, C, L]`.
public struct AvgPool1d: Module {
    /// Window length.
    public var kernelSize: Int
    /// Step between windows (defaults to the window length).
    public var stride: Int

    /// A pooling layer with windows of `kernelSize`.
    public init(kernelSize: Int, stride: Int? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// ``avgPool1d(_:kernelSize:stride:)`` of `[N, C, L]` (timed as digital).
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try context.measure(.digital) {
            try avgPool1d(input, kernelSize: kernelSize, stride: stride)
        }
    }

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .avgPool1d(self) }
}

/// Max pooling over the last two axes of `[N, C, H, W]`.
public struct MaxPool2d: Module {
    /// Window (height, width).
    public var kernelSize: (Int, Int)
    /// Steps between windows (defaults to the window size).
    public var stride: (Int, Int)

    /// A pooling layer with windows of `kernelSize`.
    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// A pooling layer with square windows.
    public init(kernelSize: Int, stride: Int? = nil) {
        self.init(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) })
    }

    /// ``maxPool2d(_:kernelSize:stride:)`` of `[N, C, H, W]` (timed as digital).
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try context.measure(.digital) {
            try maxPool2d(input, kernelSize: kernelSize, stride: stride)
        }
    }

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .maxPool2d(self) }
}

/// Average pooling over the last two axes of `[N, C, H, W]`.
public struct AvgPool2d: Module {
    /// Window (height, width).
    public var kernelSize: (Int, Int)
    /// Steps between windows (defaults to the window size).
    public var stride: (Int, Int)

    /// A pooling layer with windows of `kernelSize`.
    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// A pooling layer with square windows.
    public init(kernelSize: Int, stride: Int? = nil) {
        self.init(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) })
    }

    /// ``avgPool2d(_:kernelSize:stride:)`` of `[N, C, H, W]` (timed as digital).
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try context.measure(.digital) {
            try avgPool2d(input, kernelSize: kernelSize, stride: stride)
        }
    }

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .avgPool2d(self) }
}
