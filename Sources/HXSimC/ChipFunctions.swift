import Foundation
import HXCalibration
import HXNumerics
import HXPhysics

/// One chip behind a handle: the chip, the weights written through the ABI, and the calibration
/// it holds (for digital correction), under one lock.
final class ChipBox: @unchecked Sendable {
    static let kind = "chip"
    let lock = NSLock()
    var chip: Chip
    /// The weights as the chip holds them (checked when written).
    var weights: Matrix<Int8>?
    var calibration: CalibrationResult?

    init(_ chip: Chip) { self.chip = chip }

    static func get(_ handle: UInt64) throws -> ChipBox {
        try HandleTable.shared.object(handle, as: ChipBox.self, kind: kind)
    }
}

/// `hxsim_abi_version` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_abi_version")
public func hxsimAbiVersion() -> UInt32 { abiVersion }

/// `hxsim_last_error` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_last_error")
public func hxsimLastError() -> UnsafePointer<CChar> { LastError.pointer }

/// `hxsim_chip_create` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_chip_create")
public func hxsimChipCreate(
    _ seed: UInt64, _ parametersJSON: UnsafePointer<CChar>?, _ chip: UnsafeMutablePointer<UInt64>?
) -> Int32 {
    guarded {
        let out = try Check.output(chip, "chip")
        var parameters = PhysicsParameters()
        if let parametersJSON {
            let text = try Check.string(parametersJSON, "parameters_json")
            parameters = try PhysicsParameters(json: Data(text.utf8), source: "parameters_json")
        }
        let created = try Chip(seed: seed, parameters: parameters)
        out.pointee = HandleTable.shared.insert(ChipBox(created))
    }
}

/// `hxsim_chip_free` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_chip_free")
public func hxsimChipFree(_ chip: UInt64) -> Int32 {
    guarded { try HandleTable.shared.remove(chip, as: ChipBox.self, kind: ChipBox.kind) }
}

/// `hxsim_chip_seed` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_chip_seed")
public func hxsimChipSeed(_ chip: UInt64, _ seed: UnsafeMutablePointer<UInt64>?) -> Int32 {
    guarded {
        let out = try Check.output(seed, "seed")
        let box = try ChipBox.get(chip)
        out.pointee = box.lock.withLock { box.chip.seed }
    }
}

/// `hxsim_chip_calibrate` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_chip_calibrate")
public func hxsimChipCalibrate(
    _ chip: UInt64, _ quick: Int32, _ resultPath: UnsafePointer<CChar>?
) -> Int32 {
    guarded {
        let path = try resultPath.map { try Check.string($0, "result_path") }
        let box = try ChipBox.get(chip)
        let settings = quick != 0 ? CalibrationSettings.quick : CalibrationSettings()
        try box.lock.withLock {
            var candidate = box.chip
            let run = try Calibrator(settings: settings).calibrate(&candidate)
            if let path { try run.result.write(to: path) }
            box.chip = candidate
            box.calibration = run.result
        }
    }
}

/// `hxsim_chip_load_calibration` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_chip_load_calibration")
public func hxsimChipLoadCalibration(_ chip: UInt64, _ path: UnsafePointer<CChar>?) -> Int32 {
    guarded {
        let file = try Check.string(path, "path")
        let box = try ChipBox.get(chip)
        let result = try CalibrationResult(contentsOf: file)
        try box.lock.withLock {
            try result.apply(to: &box.chip)
            box.calibration = result
        }
    }
}

/// `hxsim_chip_write_weights` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_chip_write_weights")
public func hxsimChipWriteWeights(
    _ chip: UInt64, _ weights: UnsafePointer<Int32>?, _ rows: Int64, _ columns: Int64
) -> Int32 {
    guarded {
        let (r, c) = (try Check.extent(rows, "rows"), try Check.extent(columns, "columns"))
        let count = try Check.elements([r, c], "weights")
        let values = try Check.array(weights, count: count, "weights").map { Int($0) }
        let matrix = try Matrix(rows: r, columns: c, storage: values)
        let box = try ChipBox.get(chip)
        try box.lock.withLock {
            // Checked as `Chip.vmm` checks them (shape, then range), on a copy of the chip, so
            // that the errors read as `hxsim vmm`'s and the chip's own state is untouched.
            var probe = box.chip
            _ = try probe.vmm(
                inputs: Matrix(rows: 1, columns: r, repeating: 0), weights: matrix,
                options: ExecutionOptions(threads: 1))
            box.weights = try Matrix(
                rows: r, columns: c, storage: values.map { Int8(truncatingIfNeeded: $0) })
        }
    }
}

/// `hxsim_chip_execute` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_chip_execute")
public func hxsimChipExecute(
    _ chip: UInt64, _ inputs: UnsafePointer<Int32>?, _ batch: Int64, _ rows: Int64,
    _ numSends: Int32, _ waitBetweenEvents: Int32, _ integrator: Int32,
    _ digitalCorrection: Int32, _ outputs: UnsafeMutablePointer<Int8>?, _ outputCount: Int64,
    _ projectedTime: UnsafeMutablePointer<Double>?
) -> Int32 {
    guarded {
        let (b, r) = (try Check.extent(batch, "batch"), try Check.extent(rows, "rows"))
        let count = try Check.elements([b, r], "inputs")
        let source = try Check.pointer(inputs, "inputs")
        let out = try Check.output(outputs, "outputs")
        let options = ExecutionOptions(
            numSends: Int(numSends), waitBetweenEvents: Int(waitBetweenEvents),
            integrator: try Check.integrator(integrator))
        let all = UnsafeBufferPointer(start: source, count: count)
        let box = try ChipBox.get(chip)
        try box.lock.withLock {
            guard let weights = box.weights else {
                throw BoundaryError.invalidArgument(
                    "no weights written to chip \(chip): call hxsim_chip_write_weights first")
            }
            let n = weights.columns
            try Check.outputCount(outputCount, expected: b * n, "outputs")
            let calibration = digitalCorrection != 0 ? try requireCalibration(box) : nil
            if let calibration { _ = try calibration.requireCorrection() }
            var candidate = box.chip
            // In parts of rows, each written to `outputs` as it finishes: the parts continue
            // the chip's trials and group rows as one execution does (`Chip.parts`), so the
            // codes are those of the whole batch, and a call holds a part's copies, not the
            // batch's (which also spares the allocator fresh pages on every call). A bad shape
            // or value sends the whole batch through `Chip.vmm`'s checked path instead, which
            // names it as `hxsim vmm` does, before anything runs.
            let checked = r == weights.rows && inputsInRange(all)
            let parts =
                checked ? Chip.parts(units: b, partRows: Chip.maximumStreamingChunkRows) : [0..<b]
            var batchTrial: UInt64?
            var time = 0.0
            for part in parts {
                let values = UnsafeBufferPointer(
                    rebasing: all[(part.lowerBound * r)..<(part.upperBound * r)])
                let result =
                    checked
                    ? try candidate.vmm(
                        inputs: Matrix(
                            rows: part.count, columns: r, storage: narrowedInputs(values)),
                        weights: weights, options: options)
                    : try candidate.vmm(
                        inputs: Matrix(
                            rows: part.count, columns: r, storage: values.map { Int($0) }),
                        weights: weights.map { Int($0) }, options: options)
                let firstTrial = batchTrial ?? result.firstTrial
                batchTrial = firstTrial
                time += result.projectedTime
                var codes = result.outputs
                if let calibration {
                    // The dither of `hxsim vmm --digital-correction` (VMMCommand): keyed by the
                    // chip and the batch's first trial, so both give the same codes.
                    codes = try calibration.correctVMM(
                        codes,
                        ditherSeed: SeedSequence(candidate.seed).seed(
                            SeedSequence.label("digital correction"), firstTrial),
                        firstRow: part.lowerBound)
                }
                codes.storage.withUnsafeBufferPointer { source in
                    (out + part.lowerBound * n).update(
                        from: source.baseAddress!, count: source.count)
                }
            }
            box.chip = candidate
            projectedTime?.pointee = time
        }
    }
}

/// Whether every value lies in 0…31: an OR of the out-of-range bits, which vectorises, in
/// chunks on every core (the batch of a call can be millions of values).
private func inputsInRange(_ values: UnsafeBufferPointer<Int32>) -> Bool {
    let chunk = Parallel.elementwiseChunk
    var outside = [UInt32](repeating: 0, count: (values.count + chunk - 1) / chunk)
    let source = SharedReadBuffer(values)
    outside.withUnsafeMutableBufferPointer { flags in
        let flags = SharedBuffer(flags)
        // The body never throws.
        try? Parallel.forEachChunk(count: values.count, chunkSize: chunk) { range in
            var bits: UInt32 = 0
            for index in range {
                bits |= UInt32(bitPattern: source[index]) & ~UInt32(ChipGeometry.maxInput)
            }
            flags[range.lowerBound / chunk] = bits
        }
    }
    return outside.allSatisfy { $0 == 0 }
}

/// Values checked by ``inputsInRange(_:)`` as the chip's 5-bit inputs.
private func narrowedInputs(_ values: UnsafeBufferPointer<Int32>) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: values.count) { buffer, initialized in
        for index in values.indices { buffer[index] = UInt8(truncatingIfNeeded: values[index]) }
        initialized = values.count
    }
}

/// The calibration a chip holds, or an error saying how to give it one.
private func requireCalibration(_ box: ChipBox) throws -> CalibrationResult {
    guard let calibration = box.calibration else {
        throw BoundaryError.invalidArgument(
            "chip \(box.chip.seed) holds no calibration: calibrate it or load a calibration file")
    }
    return calibration
}
