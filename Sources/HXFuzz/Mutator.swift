import Foundation
import HXIO
import HXNumerics

/// A seeded generator for the harness (SplitMix64): the same run seed and case number give
/// the same input, so any case can be reproduced from its number.
struct FuzzRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// A value in 0..<bound (bound > 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// True with probability 1/n.
    mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }
}

/// Byte-level mutations of valid files: flips, interesting bytes, deletions, duplications,
/// inserted tokens, replaced numbers, truncations, splices, and (for gzip) mutations of the
/// compressed content.
enum Mutator {
    /// The largest input a mutation produces: big enough for every seed, small enough that a
    /// case stays fast.
    static let maximumSize = 256 << 10

    static let interestingBytes: [UInt8] = [
        0, 0xFF, 0x7F, 0x80, 0x01, 0x20, 0x0A, 0x0D, 0x2C, 0x22, 0x27, 0x5C, 0x7B, 0x7D, 0x5B,
        0x5D, 0x3A, 0x30, 0x39, 0x2D, 0x2B, 0x2E, 0x65, 0x1F, 0x8B,
    ]

    /// `seed` mutated one to four times.
    static func mutate(
        _ seed: Data, target: FuzzTarget, random: inout FuzzRandom
    ) -> Data {
        var bytes = [UInt8](seed)
        if target.name.contains("gz"), random.oneIn(2), let plain = try? Gzip.decompress(seed) {
            // Mutate the content, then compress it: gzip that is valid around invalid text.
            var inner = [UInt8](plain)
            for _ in 0...random.below(3) { step(&inner, target: target, random: &random) }
            if let compressed = try? Gzip.compress(Data(inner)) { return compressed }
        }
        for _ in 0...random.below(4) { step(&bytes, target: target, random: &random) }
        if bytes.count > maximumSize { bytes.removeLast(bytes.count - maximumSize) }
        return Data(bytes)
    }

    /// One mutation.
    static func step(_ bytes: inout [UInt8], target: FuzzTarget, random: inout FuzzRandom) {
        let tokens = target.tokens + Seeds.commonTokens
        switch random.below(10) {
        case 0 where !bytes.isEmpty:
            let index = random.below(bytes.count)
            bytes[index] ^= UInt8(1) << UInt8(random.below(8))
        case 1 where !bytes.isEmpty:
            bytes[random.below(bytes.count)] =
                interestingBytes[random.below(interestingBytes.count)]
        case 2 where !bytes.isEmpty:
            let start = random.below(bytes.count)
            let length = 1 + random.below(min(64, bytes.count - start))
            bytes.removeSubrange(start..<(start + length))
        case 3 where !bytes.isEmpty && bytes.count < maximumSize:
            let start = random.below(bytes.count)
            let length = 1 + random.below(min(256, bytes.count - start))
            let copy = Array(bytes[start..<(start + length)])
            bytes.insert(contentsOf: copy, at: random.below(bytes.count + 1))
        case 4, 5:
            let token = [UInt8](tokens[random.below(tokens.count)])
            bytes.insert(contentsOf: token, at: random.below(bytes.count + 1))
        case 6:
            replaceNumber(&bytes, tokens: tokens, random: &random)
        case 7 where !bytes.isEmpty:
            bytes.removeLast(random.below(bytes.count) + 1)
        case 8 where target.seeds.count > 1:
            // Splice: the start of this input with the end of another seed.
            let other = [UInt8](target.seeds[random.below(target.seeds.count)])
            let cut = random.below(bytes.count + 1)
            let from = random.below(other.count + 1)
            bytes = Array(bytes[..<cut]) + other[from...]
        default:
            // Overwrite a short run with a token.
            guard !bytes.isEmpty else { return }
            let token = [UInt8](tokens[random.below(tokens.count)])
            let start = random.below(bytes.count)
            let end = min(bytes.count, start + token.count)
            bytes.replaceSubrange(start..<end, with: token)
        }
    }

    /// Replaces a run of digits (a number, a dimension, a length) with a token.
    static func replaceNumber(_ bytes: inout [UInt8], tokens: [Data], random: inout FuzzRandom) {
        guard !bytes.isEmpty else { return }
        var start = random.below(bytes.count)
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        var probes = 0
        while !isDigit(bytes[start]) && probes < 64 {
            start = (start + 1) % bytes.count
            probes += 1
        }
        guard isDigit(bytes[start]) else { return }
        var end = start
        while end < bytes.count, isDigit(bytes[end]) || bytes[end] == 0x2E || bytes[end] == 0x65 {
            end += 1
        }
        let numbers = Seeds.numberTokens.map { Data($0.utf8) } + tokens
        bytes.replaceSubrange(start..<end, with: [UInt8](numbers[random.below(numbers.count)]))
    }
}
