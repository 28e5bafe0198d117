/// Mean and sample standard deviation.
public func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double) {
    let mean = values.reduce(0, +) / Double(values.count)
    let variance =
        values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, values.count - 1))
    return (mean, variance.squareRoot())
}

/// The median.
public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle])
}

/// Root-mean-square difference and largest absolute difference of two equally long series.
public func errors(_ a: [Double], _ b: [Double]) -> (rms: Double, worst: Double) {
    let d = zip(a, b).map { $0 - $1 }
    return (
        (d.map { $0 * $0 }.reduce(0, +) / Double(max(1, d.count))).squareRoot(),
        d.map(abs).max() ?? 0
    )
}

/// The mean of `a − b`.
public func bias(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { $0 - $1 }.reduce(0, +) / Double(max(1, min(a.count, b.count)))
}

/// Bytes from a hexadecimal string; blanks are ignored.
public func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map {
        UInt8(String(digits[$0...$0 + 1]), radix: 16)!
    }
}
