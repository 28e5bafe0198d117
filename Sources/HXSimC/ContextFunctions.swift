import Foundation
import HXCalibration
import HXNetwork
import HXNumerics
import HXPhysics

/// One execution context behind a handle: HXNetwork's ``ExecutionContext`` (back end, gain,
/// noise seed, call counter) and, for physics, the executor over the context's chips.
final class ContextBox: @unchecked Sendable {
    static let kind = "context"
    let lock = NSLock()
    var context: ExecutionContext
    let executor: PhysicsExecutor?

    /// Storage for the weights of matmul, reused from call to call (under the lock). A fresh
    /// array per call costs its first-touch page faults every time, which on a loaded machine
    /// made up most of what the bridge added to a 1000 × 128 × 256 physics matmul; reused
    /// storage stays mapped. (The input is read where the caller holds it.) An array handed out
    /// shares it copy-on-write, so one still alive from an earlier call keeps its values.
    private var scratch: [Float] = []

    init(context: ExecutionContext, executor: PhysicsExecutor?) {
        self.context = context
        self.executor = executor
    }

    static func get(_ handle: UInt64) throws -> ContextBox {
        try HandleTable.shared.object(handle, as: ContextBox.self, kind: kind)
    }

    /// The back end of one call: `code` from the header, or the context's own.
    func backend(_ code: Int32) throws -> Backend {
        switch code {
        case -1: return context.backend
        case 0: return .software
        case 1: return .mock
        case 2:
            guard let executor else {
                throw BoundaryError.invalidArgument(
                    "the physics back end needs a context created with HXSIM_BACKEND_PHYSICS "
                        + "and chips")
            }
            return .hardware(executor)
        default:
            throw BoundaryError.invalidArgument(
                "backend is \(code), expected -1 (context), 0 (software), 1 (mock) or 2 (physics)")
        }
    }

    /// The weights of `shape` copied from `pointer` into the reused storage; call it under the
    /// lock (inside ``run(_:)``).
    func weights(_ pointer: UnsafePointer<Float>?, shape: [Int], _ name: String) throws -> [Float] {
        let count = try Check.elements(shape, name)
        let start = try Check.pointer(pointer, name)
        if scratch.count != count { scratch = [Float](repeating: 0, count: count) }
        scratch.withUnsafeMutableBytes { bytes in
            bytes.baseAddress!.copyMemory(
                from: start, byteCount: count * MemoryLayout<Float>.stride)
        }
        return scratch
    }

    /// Runs `body` on the context under its lock. `body` works on a local copy that is stored
    /// back afterwards (also after an error, so the call counter advances as in Swift), which
    /// leaves `self` free for reads such as ``backend(_:)`` meanwhile.
    func run<T>(_ body: (inout ExecutionContext) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        var local = context
        defer { context = local }
        return try body(&local)
    }
}

/// `hxsim_context_create` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_context_create")
public func hxsimContextCreate(
    _ backend: Int32, _ seed: UInt64, _ chips: UnsafePointer<UInt64>?, _ chipCount: Int64,
    _ integrator: Int32, _ threads: Int32, _ digitalCorrection: Int32,
    _ context: UnsafeMutablePointer<UInt64>?
) -> Int32 {
    guarded {
        let out = try Check.output(context, "context")
        let range = ExecutionOptions.threadRange
        guard threads == 0 || range.contains(Int(threads)) else {
            throw BoundaryError.invalidArgument(
                "threads is \(threads), expected 0 (every core) or \(ValueText.range(range))")
        }
        let options = ExecutionOptions(
            integrator: try Check.integrator(integrator),
            threads: threads == 0 ? nil : Int(threads))
        let box: ContextBox
        switch backend {
        case 0, 1:
            guard chipCount == 0 else {
                throw BoundaryError.invalidArgument(
                    "chip_count is \(chipCount): software and mock contexts take no chips")
            }
            let kind: Backend = backend == 0 ? .software : .mock
            box = ContextBox(context: ExecutionContext(backend: kind, seed: seed), executor: nil)
        case 2:
            let chipCounts = PhysicsExecutor.chipCountRange
            guard chipCount >= chipCounts.lowerBound, chipCount <= chipCounts.upperBound else {
                throw BoundaryError.invalidArgument(
                    "chip_count is \(chipCount), expected \(ValueText.range(chipCounts))")
            }
            let count = Int(chipCount)
            let handles = try Check.array(chips, count: count, "chips")
            var copies: [Chip] = []
            var corrections: [CalibrationResult?] = []
            for handle in handles {
                let chip = try ChipBox.get(handle)
                chip.lock.withLock {
                    copies.append(chip.chip)
                    corrections.append(chip.calibration)
                }
            }
            if digitalCorrection != 0 {
                for (index, correction) in corrections.enumerated() where correction == nil {
                    throw BoundaryError.invalidArgument(
                        "chips[\(index)] (seed \(copies[index].seed)) holds no calibration, "
                            + "which digital correction needs")
                }
            }
            let executor = try PhysicsExecutor(
                chips: copies, options: options,
                corrections: digitalCorrection != 0 ? corrections : nil)
            box = ContextBox(
                context: ExecutionContext(backend: .hardware(executor), seed: seed),
                executor: executor)
        default:
            throw BoundaryError.invalidArgument(
                "backend is \(backend), expected 0 (software), 1 (mock) or 2 (physics)")
        }
        out.pointee = HandleTable.shared.insert(box)
    }
}

/// `hxsim_context_free` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_context_free")
public func hxsimContextFree(_ context: UInt64) -> Int32 {
    guarded { try HandleTable.shared.remove(context, as: ContextBox.self, kind: ContextBox.kind) }
}

/// `hxsim_context_set_mock_parameter` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_context_set_mock_parameter")
public func hxsimContextSetMockParameter(
    _ context: UInt64, _ gain: Double, _ noiseStd: Double
) -> Int32 {
    guarded {
        // hxtorch's domain (`set_mock_parameter`): gain in (0, 1], noise finite and ≥ 0.
        guard gain > 0, gain <= 1 else {
            throw BoundaryError.invalidArgument("gain is \(gain), expected a value in (0, 1]")
        }
        guard noiseStd >= 0, noiseStd.isFinite else {
            throw BoundaryError.invalidArgument(
                "noise_std is \(noiseStd), expected a finite value ≥ 0")
        }
        let box = try ContextBox.get(context)
        box.run { $0.mockParameter = MockParameter(gain: gain, noiseStd: noiseStd) }
    }
}

/// `hxsim_context_mock_parameter` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_context_mock_parameter")
public func hxsimContextMockParameter(
    _ context: UInt64, _ gain: UnsafeMutablePointer<Double>?,
    _ noiseStd: UnsafeMutablePointer<Double>?
) -> Int32 {
    guarded {
        let (gainOut, noiseOut) = (
            try Check.output(gain, "gain"), try Check.output(noiseStd, "noise_std")
        )
        let parameter = try ContextBox.get(context).run { $0.mockParameter }
        gainOut.pointee = parameter.gain
        noiseOut.pointee = parameter.noiseStd
    }
}

/// `hxsim_context_set_part_rows` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_context_set_part_rows")
public func hxsimContextSetPartRows(_ context: UInt64, _ rows: Int64) -> Int32 {
    guarded {
        let value = try Check.extent(rows, "rows")
        try ContextBox.get(context).run { $0.partRows = value }
    }
}

/// `hxsim_context_part_rows` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_context_part_rows")
public func hxsimContextPartRows(_ context: UInt64, _ rows: UnsafeMutablePointer<Int64>?) -> Int32 {
    guarded {
        let out = try Check.output(rows, "rows")
        out.pointee = Int64(try ContextBox.get(context).run { $0.partRows })
    }
}

/// `hxsim_context_measure_mock_parameter` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_context_measure_mock_parameter")
public func hxsimContextMeasureMockParameter(
    _ context: UInt64, _ seed: UInt64, _ gain: UnsafeMutablePointer<Double>?,
    _ noiseStd: UnsafeMutablePointer<Double>?
) -> Int32 {
    guarded {
        let (gainOut, noiseOut) = (
            try Check.output(gain, "gain"), try Check.output(noiseStd, "noise_std")
        )
        let box = try ContextBox.get(context)
        guard let executor = box.executor else {
            throw BoundaryError.invalidArgument(
                "measuring the mock parameter needs a physics context (its chips)")
        }
        let measured = try box.run { _ in try measureMockParameter(on: executor, seed: seed) }
        gainOut.pointee = measured.parameter.gain
        noiseOut.pointee = measured.parameter.noiseStd
    }
}

/// Runs one operation of the front end on the context: checks the output buffer's size against
/// the result's, copies the result.
private func forward(
    _ context: UInt64, _ backendCode: Int32, output: UnsafeMutablePointer<Float>?,
    outputCount: Int64,
    _ operation: (Backend, inout ExecutionContext) throws -> Tensor
) throws {
    let box = try ContextBox.get(context)
    try box.run { context in
        let backend = try box.backend(backendCode)
        let result = try operation(backend, &context)
        try Check.outputCount(outputCount, expected: result.count, "output")
        // An empty result writes nothing, so an empty buffer may be NULL (as torch gives it).
        guard result.count > 0 else { return }
        let out = try Check.output(output, "output")
        result.storage.withUnsafeBufferPointer { source in
            out.update(from: source.baseAddress!, count: source.count)
        }
    }
}

/// A tensor of `shape` copied from `pointer`.
private func tensor(
    _ pointer: UnsafePointer<Float>?, shape: [Int], _ name: String
) throws
    -> Tensor
{
    let count = try Check.elements(shape, name)
    return try Tensor(shape: shape, storage: Check.array(pointer, count: count, name))
}

/// The VMM of `hxsim_matmul` and `hxsim_matmul_buffer`, streamed: the input is read where the
/// caller holds it, `prepare` gets the result's element count before any work (the caller
/// checks its output there), and `write` gets each part of the call (its rows of the batch and
/// their batch rows × n values) as it is done, so the library holds neither the whole input
/// nor the whole result, whatever the batch (``ExecutionContext/partRows``).
func streamMatmul(
    _ context: UInt64, _ backendCode: Int32, _ input: UnsafePointer<Float>?, _ batch: Int64,
    _ k: Int64, _ weights: UnsafePointer<Float>?, _ n: Int64, _ numSends: Int32,
    _ waitBetweenEvents: Int32, prepare: (Int) throws -> Void,
    write: (_ rows: Range<Int>, _ values: [Float], _ columns: Int) throws -> Void
) throws {
    let (b, rows, columns) = (
        try Check.extent(batch, "batch"), try Check.extent(k, "k"), try Check.extent(n, "n")
    )
    let results = try Check.elements([b, columns], "output")
    let x = UnsafeBufferPointer(
        start: try Check.pointer(input, "input"), count: try Check.elements([b, rows], "input"))
    let box = try ContextBox.get(context)
    try box.run { context in
        let backend = try box.backend(backendCode)
        let w = try box.weights(weights, shape: [rows, columns], "weights")
        try prepare(results)
        // The call checks the settings and the gain.
        try forwardVMM(
            x, batch: b, weights: w, k: rows, n: columns,
            settings: VMMSettings(
                numSends: Int(numSends), waitBetweenEvents: Int(waitBetweenEvents)),
            backend: backend, context: &context
        ) { part, values in try write(part, values, columns) }
    }
}

/// `hxsim_matmul` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_matmul")
public func hxsimMatmul(
    _ context: UInt64, _ backend: Int32, _ input: UnsafePointer<Float>?, _ batch: Int64,
    _ k: Int64, _ weights: UnsafePointer<Float>?, _ n: Int64, _ numSends: Int32,
    _ waitBetweenEvents: Int32, _ output: UnsafeMutablePointer<Float>?, _ outputCount: Int64
) -> Int32 {
    guarded {
        var out: UnsafeMutablePointer<Float>?
        try streamMatmul(
            context, backend, input, batch, k, weights, n, numSends, waitBetweenEvents,
            prepare: { results in
                try Check.outputCount(outputCount, expected: results, "output")
                // An empty result writes nothing, so an empty buffer may be NULL (as torch
                // gives it).
                out = results > 0 ? try Check.output(output, "output") : nil
            },
            write: { part, values, columns in
                guard let out, !values.isEmpty else { return }
                values.withUnsafeBufferPointer { source in
                    (out + part.lowerBound * columns).update(
                        from: source.baseAddress!, count: source.count)
                }
            })
    }
}

/// The extents of a 1-d convolution's operands, checked: input `[n, c, l]`, weight `[o, c, k]`,
/// stride `s`.
private func conv1dExtents(
    batch: Int64, channels: Int64, length: Int64, outChannels: Int64, kernel: Int64,
    stride: Int64
) throws -> (n: Int, c: Int, l: Int, o: Int, k: Int, s: Int) {
    (
        try Check.extent(batch, "batch"), try Check.extent(channels, "channels"),
        try Check.extent(length, "length"), try Check.extent(outChannels, "out_channels"),
        try Check.extent(kernel, "kernel"), try Check.extent(stride, "stride")
    )
}

/// Runs a convolution of the front end on the context (as ``forward(_:_:output:outputCount:_:)``
/// does): the input and the weight are copied as tensors of their shapes first.
private func convolve(
    _ context: UInt64, _ backendCode: Int32, input: UnsafePointer<Float>?, shape inputShape: [Int],
    weight: UnsafePointer<Float>?, shape weightShape: [Int],
    output: UnsafeMutablePointer<Float>?, outputCount: Int64,
    _ operation: (Tensor, Tensor, Backend, inout ExecutionContext) throws -> Tensor
) throws {
    let x = try tensor(input, shape: inputShape, "input")
    let w = try tensor(weight, shape: weightShape, "weight")
    try forward(context, backendCode, output: output, outputCount: outputCount) {
        try operation(x, w, $0, &$1)
    }
}

/// `hxsim_conv1d` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_conv1d")
public func hxsimConv1d(
    _ context: UInt64, _ backend: Int32, _ input: UnsafePointer<Float>?, _ batch: Int64,
    _ channels: Int64, _ length: Int64, _ weight: UnsafePointer<Float>?, _ outChannels: Int64,
    _ kernel: Int64, _ stride: Int64, _ padding: Int64, _ numSends: Int32,
    _ waitBetweenEvents: Int32, _ output: UnsafeMutablePointer<Float>?, _ outputCount: Int64
) -> Int32 {
    guarded {
        let (n, c, l, o, k, s) = try conv1dExtents(
            batch: batch, channels: channels, length: length, outChannels: outChannels,
            kernel: kernel, stride: stride)
        let p = try Check.extent(padding, "padding", minimum: 0)
        let positions = max(0, (l + 2 * p - k) / s + 1)
        _ = try Check.elements([n, positions, c, k], "the patches of the input")
        // The result is allocated whole before its count can be compared with the caller's
        // buffer, and a failed allocation aborts: its size is bounded first.
        _ = try Check.elements([n, o, positions], "the output")
        try convolve(
            context, backend, input: input, shape: [n, c, l], weight: weight, shape: [o, c, k],
            output: output, outputCount: outputCount
        ) {
            try conv1d(
                $0, $1, stride: s, padding: p, numSends: Int(numSends),
                waitBetweenEvents: Int(waitBetweenEvents), backend: $2, context: &$3)
        }
    }
}

/// `hxsim_expanded_conv1d` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_expanded_conv1d")
public func hxsimExpandedConv1d(
    _ context: UInt64, _ backend: Int32, _ input: UnsafePointer<Float>?, _ batch: Int64,
    _ channels: Int64, _ length: Int64, _ weight: UnsafePointer<Float>?, _ outChannels: Int64,
    _ kernel: Int64, _ stride: Int64, _ numExpansions: Int64, _ numSends: Int32,
    _ waitBetweenEvents: Int32, _ output: UnsafeMutablePointer<Float>?, _ outputCount: Int64
) -> Int32 {
    guarded {
        let (n, c, l, o, k, s) = try conv1dExtents(
            batch: batch, channels: channels, length: length, outChannels: outChannels,
            kernel: kernel, stride: stride)
        let e = try Check.extent(numExpansions, "num_expansions")
        // The expanded kernel is O·E × C × (K + s(E − 1)); its patches cover the input.
        let wide = try Check.extent(Int64(k) + Int64(s) * Int64(e - 1), "the expanded kernel")
        _ = try Check.elements([o, e, c, wide], "the expanded kernel")
        _ = try Check.elements([n, l / max(1, s * e) + 2, c, wide], "the patches of the input")
        _ = try Check.elements([n, o, l >= k ? (l - k) / s + 1 : 0], "the output")
        try convolve(
            context, backend, input: input, shape: [n, c, l], weight: weight, shape: [o, c, k],
            output: output, outputCount: outputCount
        ) {
            try expandedConv1d(
                $0, $1, stride: s, numExpansions: e, numSends: Int(numSends),
                waitBetweenEvents: Int(waitBetweenEvents), backend: $2, context: &$3)
        }
    }
}

/// `hxsim_conv2d` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_conv2d")
public func hxsimConv2d(
    _ context: UInt64, _ backend: Int32, _ input: UnsafePointer<Float>?, _ batch: Int64,
    _ channels: Int64, _ height: Int64, _ width: Int64, _ weight: UnsafePointer<Float>?,
    _ outChannels: Int64, _ kernelHeight: Int64, _ kernelWidth: Int64, _ strideY: Int64,
    _ strideX: Int64, _ paddingY: Int64, _ paddingX: Int64, _ numSends: Int32,
    _ waitBetweenEvents: Int32, _ output: UnsafeMutablePointer<Float>?, _ outputCount: Int64
) -> Int32 {
    guarded {
        let (n, c) = (try Check.extent(batch, "batch"), try Check.extent(channels, "channels"))
        let (h, w) = (try Check.extent(height, "height"), try Check.extent(width, "width"))
        let o = try Check.extent(outChannels, "out_channels")
        let (kh, kw) = (
            try Check.extent(kernelHeight, "kernel_height"),
            try Check.extent(kernelWidth, "kernel_width")
        )
        let (sy, sx) = (
            try Check.extent(strideY, "stride_y"), try Check.extent(strideX, "stride_x")
        )
        let (py, px) = (
            try Check.extent(paddingY, "padding_y", minimum: 0),
            try Check.extent(paddingX, "padding_x", minimum: 0)
        )
        let rows = max(0, (h + 2 * py - kh) / sy + 1)
        let columns = max(0, (w + 2 * px - kw) / sx + 1)
        _ = try Check.elements([n, rows, columns, c, kh, kw], "the patches of the input")
        _ = try Check.elements([n, o, rows, columns], "the output")
        try convolve(
            context, backend, input: input, shape: [n, c, h, w], weight: weight,
            shape: [o, c, kh, kw], output: output, outputCount: outputCount
        ) {
            try conv2d(
                $0, $1, stride: (sy, sx), padding: (py, px), numSends: Int(numSends),
                waitBetweenEvents: Int(waitBetweenEvents), backend: $2, context: &$3)
        }
    }
}
