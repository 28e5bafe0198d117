import COpenBLAS

#if canImport(Glibc)
    import Glibc
#endif

/// OpenBLAS, loaded by HXSim itself at the first matrix product, with the right kernel.
///
/// OpenBLAS reads OPENBLAS_CORETYPE once, in the constructor that runs when the library is
/// loaded, and offers no way to change its kernel afterwards. Two ways to get a kernel of
/// HXSim's choosing were open: re-execute the process with the variable set, or load OpenBLAS
/// after setting it. HXSim loads it (dlopen), because it must work as a library inside other
/// programs — a Python interpreter loading HXSim through its C interface cannot be
/// re-executed, and a re-exec would also repeat every side effect of the program before it.
/// So nothing links against OpenBLAS (COpenBLAS's module map has no `link`), and the first
/// product loads it:
///
/// 1. If the process already holds libopenblas (another library loaded it), HXSim uses it as it
///    is: its kernel is fixed.
/// 2. If OPENBLAS_CORETYPE is set, OpenBLAS follows it, as the user asked.
/// 3. If HXSIM_BLAS_KERNEL names a kernel the CPU can run, it is loaded with that kernel
///    (OPENBLAS_CORETYPE set for the load only); `openblas` keeps OpenBLAS's own choice.
/// 4. Otherwise OpenBLAS is loaded and asked which kernel it chose (`openblas_get_corename`).
///    If that kernel's instruction-set level is below the CPU's (``BLASKernelPolicy``), HXSim
///    unloads it (its destructor stops its threads), sets OPENBLAS_CORETYPE to the best kernel
///    of the CPU's level, loads it again and restores the environment as it was.
///
/// The environment is changed only around that second load; setenv is not thread-safe against
/// a concurrent getenv in another thread, which is why it happens once, inside the lazy
/// initialisation of the library's handle. If OpenBLAS cannot be loaded at all, products fall
/// back to a plain loop (correct, slow) and ``BLAS/kernel`` says so.
final class BLASLibrary: Sendable {
    /// The loaded library's entry points (nil: OpenBLAS could not be loaded).
    let sgemm: hx_sgemm_function?
    let getCoreName: hx_string_function?
    let getConfig: hx_string_function?
    let setThreads: hx_set_threads_function?
    let getThreads: hx_get_threads_function?
    /// What was decided, and why.
    let report: BLASKernelReport

    /// The library of this process, loaded at first use.
    static let shared = BLASLibrary.load(
        environment: currentEnvironment(), cpu: CPUFeatures.current)

    /// The shared objects tried, in order (Debian's alternatives link first).
    static let candidates = ["libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"]

    private init(handle: UnsafeMutableRawPointer?, report: BLASKernelReport) {
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            guard let handle, let pointer = dlsym(handle, name) else { return nil }
            return unsafeBitCast(pointer, to: type)
        }
        sgemm = symbol("cblas_sgemm", as: hx_sgemm_function.self)
        getCoreName = symbol("openblas_get_corename", as: hx_string_function.self)
        getConfig = symbol("openblas_get_config", as: hx_string_function.self)
        setThreads = symbol("openblas_set_num_threads", as: hx_set_threads_function.self)
        getThreads = symbol("openblas_get_num_threads", as: hx_get_threads_function.self)
        var report = report
        report.kernel = getCoreName.flatMap { $0() }.map { String(cString: $0) }
        report.configuration = getConfig.flatMap { $0() }.map { String(cString: $0) }
        if let sgemm {
            var info = Dl_info()
            if dladdr(unsafeBitCast(sgemm, to: UnsafeRawPointer.self), &info) != 0,
                let name = info.dli_fname
            {
                report.libraryPath = String(cString: name)
            }
        }
        self.report = report
    }

    private static func currentEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        for name in ["OPENBLAS_CORETYPE", BLASKernelPolicy.environmentVariable] {
            if let value = getenv(name) { result[name] = String(cString: value) }
        }
        return result
    }

    private static func open(_ flags: Int32) -> UnsafeMutableRawPointer? {
        for name in candidates {
            if let handle = dlopen(name, flags) { return handle }
        }
        return nil
    }

    /// The core name a loaded library reports.
    private static func coreName(_ handle: UnsafeMutableRawPointer) -> String? {
        guard let pointer = dlsym(handle, "openblas_get_corename") else { return nil }
        return unsafeBitCast(pointer, to: hx_string_function.self)().map { String(cString: $0) }
    }

    /// Loads OpenBLAS with `core` named in OPENBLAS_CORETYPE for the load only.
    private static func open(withCore core: String) -> UnsafeMutableRawPointer? {
        let name = "OPENBLAS_CORETYPE"
        let previous = getenv(name).map { String(cString: $0) }
        setenv(name, core, 1)
        let handle = open(RTLD_NOW | RTLD_LOCAL)
        if let previous { setenv(name, previous, 1) } else { unsetenv(name) }
        return handle
    }

    static func load(environment: [String: String], cpu: CPUFeatures) -> BLASLibrary {
        var report = BLASKernelReport(
            cpu: cpu.description, level: BLASKernelPolicy.level(of: cpu).description,
            pick: BLASKernelPolicy.bestCore(for: cpu))
        if let handle = open(RTLD_NOW | RTLD_NOLOAD) {
            report.reason = "OpenBLAS was already loaded by the process; its kernel stays"
            return BLASLibrary(handle: handle, report: report)
        }
        switch BLASKernelPolicy.request(environment: environment) {
        case .openBLASCoreType(let core):
            report.reason = "OPENBLAS_CORETYPE=\(core) set by the user"
            return BLASLibrary(handle: open(RTLD_NOW | RTLD_LOCAL), report: report)
        case .openBLASChoice:
            report.reason =
                "\(BLASKernelPolicy.environmentVariable)=openblas: OpenBLAS's own choice"
            return BLASLibrary(handle: open(RTLD_NOW | RTLD_LOCAL), report: report)
        case .core(let core):
            if let refusal = BLASKernelPolicy.refusal(of: core, on: cpu) {
                report.reason = "\(refusal); OpenBLAS's own choice instead"
                return BLASLibrary(handle: open(RTLD_NOW | RTLD_LOCAL), report: report)
            }
            report.reason = "\(BLASKernelPolicy.environmentVariable)=\(core) set by the user"
            return BLASLibrary(handle: open(withCore: core), report: report)
        case .automatic:
            guard let handle = open(RTLD_NOW | RTLD_LOCAL) else {
                report.reason = "OpenBLAS (\(candidates.joined(separator: ", "))) not found"
                return BLASLibrary(handle: nil, report: report)
            }
            let chosen = coreName(handle)
            report.openBLASChoice = chosen
            guard let chosen, let better = BLASKernelPolicy.replacement(for: chosen, on: cpu) else {
                report.reason = "OpenBLAS's own choice suits the CPU"
                return BLASLibrary(handle: handle, report: report)
            }
            dlclose(handle)
            guard let reloaded = open(withCore: better) else {
                report.reason = "reloading OpenBLAS with \(better) failed"
                return BLASLibrary(handle: nil, report: report)
            }
            let now = coreName(reloaded) ?? "unknown"
            report.reason =
                now.lowercased() == better.lowercased()
                ? "OpenBLAS chose \(chosen), below the CPU's \(report.level); reloaded with \(better)"
                : "OpenBLAS chose \(chosen), below the CPU's \(report.level); reloading with "
                    + "\(better) gave \(now)"
            return BLASLibrary(handle: reloaded, report: report)
        }
    }
}

/// Which OpenBLAS kernel HXSim runs, and why (``BLAS/kernel``).
public struct BLASKernelReport: Sendable, Codable, Equatable {
    /// The CPU (vendor, family, model, instruction sets) and its instruction-set level.
    public var cpu: String
    public var level: String
    /// The kernel HXSim would pick for this CPU (``BLASKernelPolicy/bestCore(for:)``).
    public var pick: String?
    /// The kernel OpenBLAS chose by itself, when HXSim asked it first.
    public var openBLASChoice: String?
    /// The kernel in use (`openblas_get_corename`), nil without OpenBLAS.
    public var kernel: String?
    /// `openblas_get_config` and the shared object loaded.
    public var configuration: String?
    public var libraryPath: String?
    /// One line on how the kernel was chosen.
    public var reason: String = ""
}
