extension BLAS {
    /// The name of the OpenBLAS kernel the products run with, as OpenBLAS reports it (`Haswell`,
    /// `Zen`, `SkylakeX`, …), after HXNumerics chose it (``kernel``); "unknown" without
    /// OpenBLAS. The one place the command line and reports ask for it.
    public static var kernelName: String { kernel.kernel ?? "unknown" }
}
