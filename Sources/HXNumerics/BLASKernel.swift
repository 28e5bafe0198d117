import COpenBLAS

/// What the CPU offers the matrix kernels, from CPUID and the operating system's register
/// state (XCR0): an instruction set counts only if the OS saves its registers.
public struct CPUFeatures: Sendable, Equatable, CustomStringConvertible {
    /// "GenuineIntel", "AuthenticAMD", "HygonGenuine", … ("" without CPUID).
    public var vendor: String
    /// Display family and model (base plus extended, as Intel and AMD define them).
    public var family: Int
    public var model: Int
    public var sse3: Bool
    public var ssse3: Bool
    public var sse41: Bool
    public var sse42: Bool
    /// AVX, FMA3 and AVX2 with their 256-bit state enabled by the OS.
    public var avx: Bool
    public var fma: Bool
    public var avx2: Bool
    /// AVX-512 Foundation with DQ, CD, BW and VL (what OpenBLAS's SkylakeX kernels use), with
    /// the 512-bit state enabled by the OS; and the BF16 extension.
    public var avx512: Bool
    public var avx512BF16: Bool

    /// A CPU with the given identity and instruction sets (for tests and reports).
    public init(
        vendor: String, family: Int, model: Int, sse3: Bool = true, ssse3: Bool = true,
        sse41: Bool = true, sse42: Bool = true, avx: Bool = false, fma: Bool = false,
        avx2: Bool = false, avx512: Bool = false, avx512BF16: Bool = false
    ) {
        self.vendor = vendor
        self.family = family
        self.model = model
        self.sse3 = sse3
        self.ssse3 = ssse3
        self.sse41 = sse41
        self.sse42 = sse42
        self.avx = avx
        self.fma = fma
        self.avx2 = avx2
        self.avx512 = avx512
        self.avx512BF16 = avx512BF16
    }

    /// The CPU this process runs on.
    public static let current: CPUFeatures = {
        func cpuid(_ leaf: UInt32, _ subleaf: UInt32 = 0) -> [UInt32] {
            var regs = [UInt32](repeating: 0, count: 4)
            _ = regs.withUnsafeMutableBufferPointer { hx_cpuid(leaf, subleaf, $0.baseAddress) }
            return regs
        }
        let leaf0 = cpuid(0)
        var vendorBytes: [UInt8] = []
        for register in [leaf0[1], leaf0[3], leaf0[2]] {
            for shift in stride(from: 0, to: 32, by: 8) {
                vendorBytes.append(UInt8(truncatingIfNeeded: register >> UInt32(shift)))
            }
        }
        let vendor = String(decoding: vendorBytes.filter { $0 != 0 }, as: UTF8.self)
        guard leaf0[0] >= 1 else {
            return CPUFeatures(
                vendor: vendor, family: 0, model: 0, sse3: false, ssse3: false, sse41: false,
                sse42: false)
        }
        let leaf1 = cpuid(1)
        let leaf7 = leaf0[0] >= 7 ? cpuid(7) : [0, 0, 0, 0]
        let leaf71 = leaf0[0] >= 7 && leaf7[0] >= 1 ? cpuid(7, 1) : [0, 0, 0, 0]
        func bit(_ register: UInt32, _ index: UInt32) -> Bool { register & (1 << index) != 0 }
        let ecx = leaf1[2]
        let osxsave = bit(ecx, 27)
        let xcr0 = osxsave ? hx_xgetbv0() : 0
        let ymmState = xcr0 & 0x6 == 0x6
        let zmmState = xcr0 & 0xE6 == 0xE6
        let eax = leaf1[0]
        let baseFamily = Int((eax >> 8) & 0xF)
        let baseModel = Int((eax >> 4) & 0xF)
        let family = baseFamily == 0xF ? baseFamily + Int((eax >> 20) & 0xFF) : baseFamily
        let model =
            baseFamily == 0x6 || baseFamily == 0xF
            ? baseModel + (Int((eax >> 16) & 0xF) << 4) : baseModel
        let avx = bit(ecx, 28) && osxsave && ymmState
        let ebx7 = leaf7[1]
        let avx2 = avx && bit(ebx7, 5)
        let avx512 =
            avx2 && zmmState && bit(ebx7, 16) && bit(ebx7, 17) && bit(ebx7, 28)
            && bit(ebx7, 30) && bit(ebx7, 31)
        return CPUFeatures(
            vendor: vendor, family: family, model: model, sse3: bit(ecx, 0), ssse3: bit(ecx, 9),
            sse41: bit(ecx, 19), sse42: bit(ecx, 20), avx: avx, fma: avx && bit(ecx, 12),
            avx2: avx2, avx512: avx512, avx512BF16: avx512 && bit(leaf71[0], 5))
    }()

    /// "AuthenticAMD family 25 model 17: AVX2, FMA" and so on.
    public var description: String {
        var sets: [String] = []
        if avx512 { sets.append(avx512BF16 ? "AVX-512 (BF16)" : "AVX-512") }
        if avx2 { sets.append("AVX2") }
        if fma { sets.append("FMA") }
        if avx, !avx2 { sets.append("AVX") }
        if !avx, sse42 { sets.append("SSE4.2") }
        return "\(vendor.isEmpty ? "unknown" : vendor) family \(family) model \(model)"
            + (sets.isEmpty ? "" : ": " + sets.joined(separator: ", "))
    }
}

/// Which OpenBLAS kernel ("core") suits a CPU, and whether the one OpenBLAS chose by itself
/// falls short of it.
///
/// OpenBLAS built with DYNAMIC_ARCH (Debian's is) picks its kernel from the CPU's family and
/// model when it is loaded. A model it does not know gets a fallback: Debian's OpenBLAS 0.3.21
/// gives an Intel Xeon of family 6, model 207 (Emerald Rapids, AVX-512) its generic SSE3
/// kernel, "Prescott", several times slower than "SkylakeX". HXSim therefore compares the
/// kernel's instruction-set level with what CPUID says the CPU (and the OS) can run, and when
/// OpenBLAS is below it, asks for the best kernel of the CPU's level by name (through
/// OPENBLAS_CORETYPE, see ``BLASLibrary``). A kernel OpenBLAS chose at or above the CPU's level
/// stays: OpenBLAS knows the CPUs it knows better than a level does (Zen against Haswell,
/// Cooperlake against SkylakeX).
public enum BLASKernelPolicy {
    /// Instruction-set levels of OpenBLAS's x86-64 kernels, lowest first.
    public enum Level: Int, Sendable, Comparable, CustomStringConvertible {
        case generic = 0
        case sse3
        case sse42
        case avx
        case avx2
        case avx512

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

        public var description: String {
            switch self {
            case .generic: return "generic"
            case .sse3: return "SSE3"
            case .sse42: return "SSE4.2"
            case .avx: return "AVX"
            case .avx2: return "AVX2/FMA"
            case .avx512: return "AVX-512"
            }
        }
    }

    /// The level of each OpenBLAS core name (as `openblas_get_corename()` spells it; compared
    /// without case). From OpenBLAS's `driver/others/dynamic.c`: the names it accepts in
    /// OPENBLAS_CORETYPE and the instruction sets each kernel is compiled for.
    static let levels: [String: Level] = [
        "unknown": .generic, "katmai": .generic, "coppermine": .generic,
        "northwood": .generic, "banias": .generic, "athlon": .generic,
        "prescott": .sse3, "core2": .sse3, "penryn": .sse3, "dunnington": .sse3, "atom": .sse3,
        "opteron": .sse3, "opteron_sse3": .sse3, "barcelona": .sse3, "nano": .sse3,
        "bobcat": .sse3,
        "nehalem": .sse42,
        "sandybridge": .avx, "bulldozer": .avx, "piledriver": .avx, "steamroller": .avx,
        "excavator": .avx,
        "haswell": .avx2, "zen": .avx2,
        "skylakex": .avx512, "cooperlake": .avx512, "sapphirerapids": .avx512,
    ]

    /// The level of core `name`, or nil for a name HXSim does not know.
    public static func level(ofCore name: String) -> Level? { levels[name.lowercased()] }

    /// The highest level `cpu` can run.
    public static func level(of cpu: CPUFeatures) -> Level {
        if cpu.avx512, cpu.avx2, cpu.fma { return .avx512 }
        if cpu.avx2, cpu.fma { return .avx2 }
        if cpu.avx { return .avx }
        if cpu.sse42, cpu.sse41, cpu.ssse3 { return .sse42 }
        if cpu.sse3 { return .sse3 }
        return .generic
    }

    /// The kernel HXSim picks for `cpu`: the one of its level that every OpenBLAS since 0.3.10
    /// accepts by name (0.3.21 does not accept "Cooperlake" in OPENBLAS_CORETYPE, and its sgemm
    /// is SkylakeX's), AMD's own for AVX2. nil for a CPU without SSE3.
    public static func bestCore(for cpu: CPUFeatures) -> String? {
        switch level(of: cpu) {
        case .avx512: return "SkylakeX"
        case .avx2:
            return cpu.vendor == "AuthenticAMD" || cpu.vendor == "HygonGenuine" ? "Zen" : "Haswell"
        case .avx: return "Sandybridge"
        case .sse42: return "Nehalem"
        case .sse3: return "Prescott"
        case .generic: return nil
        }
    }

    /// The kernel to switch to when OpenBLAS chose `chosen` by itself on `cpu`: the best one of
    /// the CPU's level if `chosen` is below that level, else nil (keep it, also for a name
    /// HXSim does not know).
    public static func replacement(for chosen: String, on cpu: CPUFeatures) -> String? {
        guard let chosenLevel = level(ofCore: chosen), let best = bestCore(for: cpu),
            chosenLevel < level(of: cpu)
        else { return nil }
        return best
    }

    /// What the environment asks for.
    public enum Request: Sendable, Equatable {
        /// HXSim decides (the default).
        case automatic
        /// OPENBLAS_CORETYPE is set: OpenBLAS's own variable, left to OpenBLAS.
        case openBLASCoreType(String)
        /// HXSIM_BLAS_KERNEL=openblas: whatever OpenBLAS chooses by itself.
        case openBLASChoice
        /// HXSIM_BLAS_KERNEL=<core>: that kernel (if the CPU can run it).
        case core(String)
    }

    /// The environment variable that names a kernel for HXSim (`openblas` keeps OpenBLAS's own
    /// choice, `auto` or empty is the default).
    public static let environmentVariable = "HXSIM_BLAS_KERNEL"

    /// The request in `environment`. OPENBLAS_CORETYPE wins over HXSIM_BLAS_KERNEL.
    public static func request(environment: [String: String]) -> Request {
        if let coreType = environment["OPENBLAS_CORETYPE"], !coreType.isEmpty {
            return .openBLASCoreType(coreType)
        }
        guard let value = environment[environmentVariable]?.trimmingSpaces, !value.isEmpty,
            value.lowercased() != "auto"
        else { return .automatic }
        if value.lowercased() == "openblas" { return .openBLASChoice }
        return .core(value)
    }

    /// Why `core`, named in HXSIM_BLAS_KERNEL, cannot be used on `cpu`, or nil if it can.
    /// (OpenBLAS does not check: a kernel above the CPU's level stops the process with an
    /// illegal instruction at the first product.)
    public static func refusal(of core: String, on cpu: CPUFeatures) -> String? {
        guard let coreLevel = level(ofCore: core) else {
            let known = Set(levels.keys).sorted().joined(separator: ", ")
            return "\(environmentVariable)=\(core) is not an OpenBLAS x86-64 kernel (\(known))"
        }
        guard coreLevel <= level(of: cpu) else {
            return "\(environmentVariable)=\(core) needs \(coreLevel), this CPU has "
                + "\(level(of: cpu)) (\(cpu))"
        }
        return nil
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
