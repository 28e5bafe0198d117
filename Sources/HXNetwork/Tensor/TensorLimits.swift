/// The largest tensors and extents the front end builds from a layer's settings, stated once:
/// a model file or a caller can ask for any size, stride, padding or repetition, and these bound
/// what is allocated before anything is, so that a bad value is a one-line error and never a
/// trap or a multi-terabyte allocation.
public enum TensorLimits {
    /// The most elements of one tensor made from a layer's settings (a repeated weight, a
    /// convolution's patches or output): 2²⁸, 1 GiB of `Float`.
    public static let maxElements = 1 << 28
    /// The largest single kernel size, stride, padding or repetition of a layer (2²⁴): far
    /// beyond any chip layer, and small enough that sums and products of a few of them with an
    /// input's extent cannot overflow.
    public static let maxExtent = 1 << 24

    /// The product of `factors`, or nil when it overflows or exceeds ``maxElements``.
    public static func elements(_ factors: [Int]) -> Int? {
        var product = 1
        for factor in factors {
            let (next, overflow) = product.multipliedReportingOverflow(by: factor)
            guard !overflow, next <= maxElements else { return nil }
            product = next
        }
        return product
    }

    /// Throws ``NetworkError/countOutOfRange(name:value:allowed:)`` unless `value` lies in
    /// `minimum...maxExtent`.
    static func requireExtent(_ value: Int, minimum: Int, _ name: String) throws {
        try requireWithin(minimum...maxExtent, value, name)
    }

    /// Throws ``NetworkError/invalidArgument(_:)`` naming `what` unless the product of `factors`
    /// is at most ``maxElements``.
    @discardableResult
    static func requireElements(_ factors: [Int], _ what: @autoclosure () -> String) throws -> Int {
        guard let count = elements(factors) else {
            throw NetworkError.invalidArgument(
                "\(what()) would have \(describe(factors)) elements, more than the "
                    + "\(maxElements) one tensor may hold")
        }
        return count
    }

    /// `factors` as a product, or its value when it fits in an `Int`.
    private static func describe(_ factors: [Int]) -> String {
        var product = 1
        for factor in factors {
            let (next, overflow) = product.multipliedReportingOverflow(by: factor)
            if overflow { return factors.map(String.init).joined(separator: " × ") }
            product = next
        }
        return String(product)
    }
}
