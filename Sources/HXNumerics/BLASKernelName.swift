import COpenBLAS

extension BLAS {
    /// The name of the OpenBLAS kernel the products run with, as OpenBLAS reports it (`Haswell`,
    /// `Zen`, `SkylakeX`, …). The one place the command line and reports ask for it, so that
    /// the kernel selection of HXNumerics can answer here once it chooses the kernel itself.
    public static var kernelName: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }
}
