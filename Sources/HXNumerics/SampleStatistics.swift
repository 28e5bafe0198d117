/// Mean and sample standard deviation (n − 1 in the denominator) of `values`: (0, 0) for no
/// values, a deviation of 0 for one. Summed in order, so that every caller gets the same bits
/// for the same values.
public func meanAndSampleDeviation(_ values: [Double]) -> (mean: Double, std: Double) {
    guard !values.isEmpty else { return (0, 0) }
    let mean = values.reduce(0, +) / Double(values.count)
    guard values.count > 1 else { return (mean, 0) }
    let square = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return (mean, (square / Double(values.count - 1)).squareRoot())
}
