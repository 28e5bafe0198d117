import Foundation
import HXNetwork

/// A result the library keeps for the caller (`hxsim_matmul_buffer`): the caller reads the
/// elements in place instead of copying them into memory of its own, and frees the buffer.
///
/// The elements are the result tensor's own storage, kept alive and never mutated by this box, so
/// its base address stays valid until the box is freed. Handing out that address saves the copy
/// and, more, the first-touch page faults of a fresh output buffer per call, which cost a large
/// VMM's result more than the copy itself (benchmarks/bridge).
final class BufferBox: @unchecked Sendable {
    static let kind = "buffer"
    let storage: [Float]
    let address: UnsafePointer<Float>?

    init(_ storage: [Float]) {
        self.storage = storage
        address = storage.withUnsafeBufferPointer { $0.baseAddress }
    }
}

/// `hxsim_matmul_buffer` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_matmul_buffer")
public func hxsimMatmulBuffer(
    _ context: UInt64, _ backend: Int32, _ input: UnsafePointer<Float>?, _ batch: Int64,
    _ k: Int64, _ weights: UnsafePointer<Float>?, _ n: Int64, _ numSends: Int32,
    _ waitBetweenEvents: Int32, _ buffer: UnsafeMutablePointer<UInt64>?,
    _ data: UnsafeMutablePointer<UnsafePointer<Float>?>?, _ count: UnsafeMutablePointer<Int64>?
) -> Int32 {
    guarded {
        let (bufferOut, dataOut, countOut) = (
            try Check.output(buffer, "buffer"), try Check.output(data, "data"),
            try Check.output(count, "count")
        )
        var result: [Float] = []
        try streamMatmul(
            context, backend, input, batch, k, weights, n, numSends, waitBetweenEvents,
            prepare: { result.reserveCapacity($0) },
            write: { _, values, _ in result.append(contentsOf: values) })
        let kept = BufferBox(result)
        bufferOut.pointee = HandleTable.shared.insert(kept)
        dataOut.pointee = kept.address
        countOut.pointee = Int64(kept.storage.count)
    }
}

/// `hxsim_buffer_free` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_buffer_free")
public func hxsimBufferFree(_ buffer: UInt64) -> Int32 {
    guarded { try HandleTable.shared.remove(buffer, as: BufferBox.self, kind: BufferBox.kind) }
}
