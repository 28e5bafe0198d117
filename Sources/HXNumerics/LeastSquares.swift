import CGSL

/// The result of a straight-line least-squares fit y = intercept + slope · x.
public struct LinearFit: Sendable, Equatable, Codable {
    /// The fitted intercept, in the unit of y.
    public var intercept: Double
    /// The fitted slope, in the unit of y per unit of x.
    public var slope: Double
    /// Variance of the intercept estimate.
    public var interceptVariance: Double
    /// Variance of the slope estimate.
    public var slopeVariance: Double
    /// Covariance of intercept and slope.
    public var covariance: Double
    /// Sum of squared residuals (weighted, for a weighted fit).
    public var residualSumOfSquares: Double

    /// The fitted line at `x`.
    public func callAsFunction(_ x: Double) -> Double { intercept + slope * x }
}

/// Least-squares fitting through GSL (`gsl_fit_linear`, `gsl_fit_wlinear`,
/// `gsl_multifit_linear`).
public enum LeastSquares {
    /// Fits y = c0 + c1 x to the points (`x`, `y`), optionally with `weights` (1/σ²).
    /// - Throws: on unequal lengths, fewer than two points, non-finite values, or a GSL failure.
    public static func line(
        x: [Double], y: [Double], weights: [Double]? = nil
    ) throws
        -> LinearFit
    {
        _ = GSLRuntime.prepared
        guard x.count == y.count else {
            throw NumericsError.shapeMismatch(expected: [x.count], got: [y.count])
        }
        if let weights, weights.count != x.count {
            throw NumericsError.shapeMismatch(expected: [x.count], got: [weights.count])
        }
        guard x.count >= 2 else {
            throw NumericsError.invalidArgument("a line fit needs two points, got \(x.count)")
        }
        guard (x + y + (weights ?? [])).allSatisfy(\.isFinite) else {
            throw NumericsError.invalidArgument("a line fit got a non-finite value")
        }
        var c0 = 0.0
        var c1 = 0.0
        var cov00 = 0.0
        var cov01 = 0.0
        var cov11 = 0.0
        var sumsq = 0.0
        let status: Int32
        if let weights {
            status = gsl_fit_wlinear(
                x, 1, weights, 1, y, 1, x.count, &c0, &c1, &cov00, &cov01, &cov11, &sumsq)
        } else {
            status = gsl_fit_linear(
                x, 1, y, 1, x.count, &c0, &c1, &cov00, &cov01, &cov11, &sumsq)
        }
        try GSLRuntime.check(status, weights == nil ? "gsl_fit_linear" : "gsl_fit_wlinear")
        return LinearFit(
            intercept: c0, slope: c1, interceptVariance: cov00, slopeVariance: cov11,
            covariance: cov01, residualSumOfSquares: sumsq)
    }

    /// Solves the linear least-squares problem min ‖X c − y‖² for the design matrix `design`
    /// (observations × parameters) with `gsl_multifit_linear`; returns c and χ².
    public static func solve(
        design: Matrix<Double>, y: [Double]
    ) throws -> (
        coefficients: [Double], chiSquared: Double
    ) {
        _ = GSLRuntime.prepared
        let n = design.rows
        let p = design.columns
        guard y.count == n else { throw NumericsError.shapeMismatch(expected: [n], got: [y.count]) }
        guard n >= p, p > 0 else {
            throw NumericsError.invalidArgument("least squares with \(n) points, \(p) parameters")
        }
        guard design.storage.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
            throw NumericsError.invalidArgument("least squares got a non-finite value")
        }
        guard let xm = gsl_matrix_alloc(n, p) else {
            throw NumericsError.gsl(function: "gsl_matrix_alloc", status: -1, message: "nil")
        }
        defer { gsl_matrix_free(xm) }
        guard let yv = gsl_vector_alloc(n), let cv = gsl_vector_alloc(p),
            let cov = gsl_matrix_alloc(p, p), let work = gsl_multifit_linear_alloc(n, p)
        else {
            throw NumericsError.gsl(function: "gsl_*_alloc", status: -1, message: "nil")
        }
        defer {
            gsl_vector_free(yv)
            gsl_vector_free(cv)
            gsl_matrix_free(cov)
            gsl_multifit_linear_free(work)
        }
        for i in 0..<n {
            gsl_vector_set(yv, i, y[i])
            for j in 0..<p { gsl_matrix_set(xm, i, j, design[i, j]) }
        }
        var chisq = 0.0
        try GSLRuntime.check(
            gsl_multifit_linear(xm, yv, cv, cov, &chisq, work), "gsl_multifit_linear")
        return ((0..<p).map { gsl_vector_get(cv, $0) }, chisq)
    }
}
