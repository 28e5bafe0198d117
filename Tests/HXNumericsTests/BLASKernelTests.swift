import COpenBLAS
import Foundation
import HXTestSupport
import Testing

@testable import HXNumerics

/// CPUs as CPUID describes them.
private enum CPUs {
    /// The Intel Xeon of issue 15: family 6, model 207 (0xCF, Emerald Rapids), AVX-512 with
    /// BF16. Debian's OpenBLAS 0.3.21 does not know the model and runs "Prescott" on it.
    static let emeraldRapids = CPUFeatures(
        vendor: "GenuineIntel", family: 6, model: 207, avx: true, fma: true, avx2: true,
        avx512: true, avx512BF16: true)
    /// An Intel desktop CPU of family 6, model 0xB7 (Raptor Lake): AVX2, no AVX-512; 0.3.21
    /// does not know it either.
    static let raptorLake = CPUFeatures(
        vendor: "GenuineIntel", family: 6, model: 0xB7, avx: true, fma: true, avx2: true)
    /// An AMD EPYC of family 25 (0x19), model 17 (Zen 4) with AVX-512, and the same CPU in a
    /// virtual machine that hides AVX-512 (this project's build machine).
    static let zen4 = CPUFeatures(
        vendor: "AuthenticAMD", family: 25, model: 17, avx: true, fma: true, avx2: true,
        avx512: true, avx512BF16: true)
    static let zen4WithoutAVX512 = CPUFeatures(
        vendor: "AuthenticAMD", family: 25, model: 17, avx: true, fma: true, avx2: true)
    /// AMD Zen 2 (family 23): AVX2.
    static let zen2 = CPUFeatures(
        vendor: "AuthenticAMD", family: 23, model: 49, avx: true, fma: true, avx2: true)
    /// An Intel Sandy Bridge (AVX, no AVX2) and a CPU with nothing beyond SSE2.
    static let sandyBridge = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 42, avx: true)
    static let sse2Only = CPUFeatures(
        vendor: "GenuineIntel", family: 15, model: 2, sse3: false, ssse3: false, sse41: false,
        sse42: false)
}

@Suite("The OpenBLAS kernel: HXSim's choice from CPUID against OpenBLAS's own")
struct BLASKernelTests {
    @Test("an AVX-512 Xeon that OpenBLAS 0.3.21 runs on Prescott gets SkylakeX")
    func emeraldRapidsOnPrescott() {
        #expect(BLASKernelPolicy.level(of: CPUs.emeraldRapids) == .avx512)
        #expect(BLASKernelPolicy.replacement(for: "Prescott", on: CPUs.emeraldRapids) == "SkylakeX")
        // A kernel of the CPU's level stays, whichever OpenBLAS chose.
        for kept in ["SkylakeX", "Cooperlake", "SapphireRapids"] {
            #expect(BLASKernelPolicy.replacement(for: kept, on: CPUs.emeraldRapids) == nil)
        }
        // Haswell is below AVX-512, so it is replaced too.
        #expect(BLASKernelPolicy.replacement(for: "Haswell", on: CPUs.emeraldRapids) == "SkylakeX")
    }

    @Test("an AVX2 Intel CPU on Prescott gets Haswell; an AVX2 AMD CPU on Prescott gets Zen")
    func avx2ByVendor() {
        #expect(BLASKernelPolicy.replacement(for: "Prescott", on: CPUs.raptorLake) == "Haswell")
        #expect(BLASKernelPolicy.replacement(for: "Nehalem", on: CPUs.zen2) == "Zen")
        #expect(BLASKernelPolicy.replacement(for: "Zen", on: CPUs.zen2) == nil)
        #expect(BLASKernelPolicy.replacement(for: "Haswell", on: CPUs.zen2) == nil)
    }

    @Test("Zen 4: Cooperlake on bare metal stays; Zen in a VM without AVX-512 stays")
    func zen4() {
        #expect(BLASKernelPolicy.replacement(for: "Cooperlake", on: CPUs.zen4) == nil)
        #expect(BLASKernelPolicy.replacement(for: "Zen", on: CPUs.zen4) == "SkylakeX")
        #expect(BLASKernelPolicy.level(of: CPUs.zen4WithoutAVX512) == .avx2)
        #expect(BLASKernelPolicy.replacement(for: "Zen", on: CPUs.zen4WithoutAVX512) == nil)
        #expect(BLASKernelPolicy.bestCore(for: CPUs.zen4WithoutAVX512) == "Zen")
    }

    @Test("older CPUs: AVX gets Sandybridge, nothing beyond SSE2 changes nothing")
    func olderCPUs() {
        #expect(
            BLASKernelPolicy.replacement(for: "Prescott", on: CPUs.sandyBridge) == "Sandybridge")
        #expect(BLASKernelPolicy.replacement(for: "Sandybridge", on: CPUs.sandyBridge) == nil)
        #expect(BLASKernelPolicy.bestCore(for: CPUs.sse2Only) == nil)
        #expect(BLASKernelPolicy.replacement(for: "Prescott", on: CPUs.sse2Only) == nil)
        // An unknown kernel name is OpenBLAS's business: it stays.
        #expect(BLASKernelPolicy.replacement(for: "Neoverse", on: CPUs.emeraldRapids) == nil)
    }

    @Test("the environment: OPENBLAS_CORETYPE wins, HXSIM_BLAS_KERNEL names a kernel or openblas")
    func environment() {
        typealias P = BLASKernelPolicy
        #expect(P.request(environment: [:]) == .automatic)
        #expect(P.request(environment: ["HXSIM_BLAS_KERNEL": "auto"]) == .automatic)
        #expect(P.request(environment: ["HXSIM_BLAS_KERNEL": "openblas"]) == .openBLASChoice)
        #expect(P.request(environment: ["HXSIM_BLAS_KERNEL": "Haswell"]) == .core("Haswell"))
        #expect(
            P.request(environment: ["OPENBLAS_CORETYPE": "Zen", "HXSIM_BLAS_KERNEL": "Haswell"])
                == .openBLASCoreType("Zen"))
        // A kernel above the CPU would stop the process with an illegal instruction: refused.
        #expect(P.refusal(of: "SkylakeX", on: CPUs.zen4WithoutAVX512) != nil)
        #expect(P.refusal(of: "Haswell", on: CPUs.zen4WithoutAVX512) == nil)
        #expect(P.refusal(of: "Haswel", on: CPUs.zen4WithoutAVX512)?.contains("haswell") == true)
    }

    @Test("on this machine: the kernel in use is at the CPU's level, and products run in OpenBLAS")
    func thisMachine() throws {
        let report = BLAS.kernel
        let cpu = CPUFeatures.current
        let environment = ProcessInfo.processInfo.environment
        guard BLASKernelPolicy.request(environment: environment) == .automatic else {
            print("BLASKernelTests: kernel set by the environment (\(report.reason)), not checked")
            return
        }
        let kernel = try #require(report.kernel, "\(report.reason)")
        let level = try #require(BLASKernelPolicy.level(ofCore: kernel), "unknown kernel \(kernel)")
        #expect(
            level >= BLASKernelPolicy.level(of: cpu),
            "kernel \(kernel) on \(cpu): \(report.reason)")
        #expect(report.pick == BLASKernelPolicy.bestCore(for: cpu))
        #expect(report.libraryPath?.contains("openblas") == true, "\(report)")
        // The product itself, against the loop.
        let a = try Matrix<Float>(rows: 3, columns: 5, storage: (0..<15).map { Float($0 % 7) - 3 })
        let b = try Matrix<Float>(rows: 5, columns: 4, storage: (0..<20).map { Float($0 % 5) })
        let c = try BLAS.multiply(a, b)
        var expected = [Float](repeating: 0, count: 12)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                expected.withUnsafeMutableBufferPointer { pc in
                    BLAS.portableSgemm(
                        m: 3, n: 4, k: 5, alpha: 1, a: pa.baseAddress!, b: pb.baseAddress!, beta: 0,
                        c: pc.baseAddress!, transposeA: false, transposeB: false)
                }
            }
        }
        #expect(c.storage == expected)
    }

    @Test("CPUID of this machine reads as x86-64 with at least SSE3, and its text names it")
    func cpuid() {
        let cpu = CPUFeatures.current
        #if arch(x86_64)
            #expect(!cpu.vendor.isEmpty && cpu.sse3 && cpu.family > 0, "\(cpu)")
            // AVX2 implies AVX, AVX-512 implies AVX2 (as read, with the OS's register state).
            #expect(!cpu.avx2 || cpu.avx)
            #expect(!cpu.avx512 || cpu.avx2)
        #endif
        #expect(cpu.description.contains("family"))
    }
}

/// The reload itself, in a fresh process (this test binary started again), because a process
/// loads OpenBLAS once: the child starts with OPENBLAS_CORETYPE=Prescott in its environment,
/// which makes OpenBLAS choose Prescott by itself as it does on a CPU it does not know, and
/// loads OpenBLAS as HXSim does when nothing is requested.
@Suite("The OpenBLAS kernel: a library that chose below the CPU is reloaded with the right one")
struct BLASReloadTests {
    static let childVariable = "HXSIM_BLAS_RELOAD_CHILD"

    @Test("OpenBLAS on Prescott is unloaded and loaded again with the CPU's kernel")
    func reload() throws {
        // The child runs only its own side (and would otherwise start children of its own).
        guard ProcessInfo.processInfo.environment[Self.childVariable] == nil else { return }
        let cpu = CPUFeatures.current
        guard let pick = BLASKernelPolicy.bestCore(for: cpu), pick != "Prescott" else {
            print("BLASReloadTests: this CPU's kernel is Prescott or below; nothing to reload")
            return
        }
        // The child starts with OPENBLAS_CORETYPE=Prescott and without HXSim's own override.
        guard
            let output = try runChildTest(
                filter: "BLASReloadTests/child",
                environment: ["OPENBLAS_CORETYPE": "Prescott", Self.childVariable: "1"],
                removing: [BLASKernelPolicy.environmentVariable])
        else { return }
        let line = try #require(
            output.split(separator: "\n").first { $0.hasPrefix("BLAS-RELOAD ") }, "\(output)")
        let report = try JSONDecoder().decode(
            BLASKernelReport.self, from: Data(line.dropFirst("BLAS-RELOAD ".count).utf8))
        #expect(report.openBLASChoice == "Prescott", "\(report)")
        #expect(report.kernel == pick, "\(report)")
        #expect(output.contains("BLAS-RELOAD-PRODUCT ok"), "\(output)")
    }

    @Test("(child side of the reload test; does nothing unless started by it)")
    func child() throws {
        guard ProcessInfo.processInfo.environment[Self.childVariable] != nil else { return }
        let library = BLASLibrary.load(environment: [:], cpu: .current)
        let json = String(decoding: try JSONEncoder().encode(library.report), as: UTF8.self)
        print("BLAS-RELOAD \(json)")
        // The reloaded kernel computes: 2 × 3 times 3 × 2.
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        let b: [Float] = [7, 8, 9, 10, 11, 12]
        var c = [Float](repeating: 0, count: 4)
        let sgemm = try #require(library.sgemm)
        sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, &c, 2)
        print("BLAS-RELOAD-PRODUCT \(c == [58, 64, 139, 154] ? "ok" : "wrong \(c)")")
        // The environment is as the child found it.
        #expect(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == "Prescott")
    }
}
