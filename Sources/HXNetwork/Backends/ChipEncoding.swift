/// Conversions between host floats and the chip's integer ranges, shared by the mock back end,
/// the hardware back end and the reference executor.
enum ChipEncoding {
    /// `values` rounded to the nearest integer (halves away from zero, as hxtorch's `lround` in
    /// `convert_activation`/`convert_weight`) and brought into `range` by `policy`.
    /// - Throws: ``NetworkError/nonFinite(tensor:)`` for NaN or infinity;
    ///   ``NetworkError/outOfRange(name:value:allowed:)`` for a value outside `range` when the
    ///   policy is ``RangePolicy/reject``.
    static func quantize(
        _ values: [Float], range: ClosedRange<Int>, policy: RangePolicy, name: String
    ) throws -> [Float] {
        let low = Float(range.lowerBound)
        let high = Float(range.upperBound)
        var out = values
        var bad: Float? = nil
        var nonFinite = false
        out.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                let value = buffer[index]
                guard value.isFinite else {
                    nonFinite = true
                    return
                }
                let rounded = value.rounded(.toNearestOrAwayFromZero)
                if rounded < low || rounded > high {
                    if policy == .reject {
                        bad = value
                        return
                    }
                    buffer[index] = min(max(rounded, low), high)
                } else {
                    buffer[index] = rounded
                }
            }
        }
        if nonFinite { throw NetworkError.nonFinite(tensor: name) }
        if let bad {
            throw NetworkError.outOfRange(
                name: name, value: Double(bad),
                allowed: Double(range.lowerBound)...Double(range.upperBound))
        }
        return out
    }

    /// Throws as ``quantize(_:range:policy:name:)`` would for `values`, without copying them:
    /// the check of a whole call's input before the first of its parts runs.
    static func check(
        _ values: UnsafeBufferPointer<Float>, range: ClosedRange<Int>, policy: RangePolicy,
        name: String
    ) throws {
        if policy == .clamp {
            guard Tensor.allFinite(values) else { throw NetworkError.nonFinite(tensor: name) }
            return
        }
        let low = Float(range.lowerBound)
        let high = Float(range.upperBound)
        var bad: Float? = nil
        var nonFinite = false
        for value in values {
            guard value.isFinite else {
                nonFinite = true
                break
            }
            let rounded = value.rounded(.toNearestOrAwayFromZero)
            if rounded < low || rounded > high {
                bad = value
                break
            }
        }
        if nonFinite { throw NetworkError.nonFinite(tensor: name) }
        if let bad {
            throw NetworkError.outOfRange(
                name: name, value: Double(bad),
                allowed: Double(range.lowerBound)...Double(range.upperBound))
        }
    }

    /// The ADC code of one 128-row block in hxtorch's mock model: the analog value
    /// `scale × product + noise` digitised by `floor` and clamped to −128…127 (in that order,
    /// as `mac_mock_forward`: multiply by gain × numSends, add noise, floor, clamp).
    @inline(__always)
    static func mockCode(product: Float, scale: Double, noise: Double) -> Int32 {
        let analog = (Double(product) * scale + noise).rounded(.down)
        return Int32(min(max(analog, -128), 127))
    }

    /// A sum of block codes clamped to the int8 range, as a float.
    @inline(__always)
    static func saturate(_ sum: Int32) -> Float {
        Float(min(max(sum, -128), 127))
    }
}
