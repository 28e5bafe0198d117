// swift-tools-version:6.0
// HXSim: a physics-level simulator of the BrainScaleS-2 (HICANN-X) chip in vector-matrix
// multiplication mode, with a PyTorch-style front end. The targets below are the architecture;
// data flows one way, from the bottom of this list to the top:
//   C shims -> HXNumerics -> HXIO -> HXArguments/HXPhysics -> HXCalibration -> HXData/HXNetwork
//   -> HXApplications -> HXSweep/HXBenchmarks -> HXSimCLI -> hxsim
import Foundation
import PackageDescription

// Release builds compile the numerical kernels for the build machine's CPU (AVX2/AVX-512 where
// present), which the fast path's eight-lane kernels need to run at full speed. The binaries
// then run only on CPUs with the same instruction sets; set HXSIM_PORTABLE=1 to build for the
// generic x86-64 baseline instead.
let portable = ProcessInfo.processInfo.environment["HXSIM_PORTABLE"] != nil
let kernelSettings: [SwiftSetting] =
    portable ? [] : [.unsafeFlags(["-target-cpu", "native"], .when(configuration: .release))]

let package = Package(
    name: "HXSim",
    // Every module a user may import is a library product (`.product(name: "HXPhysics",
    // package: "HXSim")`; README "As a library"), in the order of the architecture.
    products: [
        .executable(name: "hxsim", targets: ["hxsim"]),
        .executable(name: "hxsim-bench", targets: ["hxsim-bench"]),
        .library(name: "HXNumerics", targets: ["HXNumerics"]),
        .library(name: "HXIO", targets: ["HXIO"]),
        .library(name: "HXArguments", targets: ["HXArguments"]),
        .library(name: "HXPhysics", targets: ["HXPhysics"]),
        .library(name: "HXCalibration", targets: ["HXCalibration"]),
        .library(name: "HXData", targets: ["HXData"]),
        .library(name: "HXNetwork", targets: ["HXNetwork"]),
        .library(name: "HXApplications", targets: ["HXApplications"]),
        .library(name: "HXSweep", targets: ["HXSweep"]),
        .library(name: "HXBenchmarks", targets: ["HXBenchmarks"]),
        .library(name: "HXBuildInfo", targets: ["HXBuildInfo"]),
        .library(name: "HXFuzz", targets: ["HXFuzz"]),
        // The command line as a library: `HXSimCommand.run(arguments:)` from another program.
        .library(name: "HXSimCLI", targets: ["HXSimCLI"]),
        // The C ABI (header Sources/HXSimC/include/hxsim.h) as a shared library for C, Python
        // (python/hxsim) and any other language with a foreign-function interface.
        .library(name: "HXSimC", type: .dynamic, targets: ["HXSimC"]),
    ],
    targets: [
        // C libraries from Debian (libgsl-dev, libopenblas-dev, zlib1g-dev), wrapped once.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CGSL", path: "Sources/CGSL"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        // Matrices, random streams, GSL/BLAS wrappers.
        .target(
            name: "HXNumerics", dependencies: ["CGSL", "COpenBLAS"], swiftSettings: kernelSettings),
        // Files: CSV, NumPy, JSON, gzip, atomic writes, hashing, SVG plots.
        .target(name: "HXIO", dependencies: ["HXNumerics", "CZlib"]),
        // Command lines: commands and their options declared once, parsed, and their help.
        .target(name: "HXArguments", dependencies: ["HXIO"]),
        // The chip: geometry, parameters, mismatch, signal chain, integrators.
        .target(
            name: "HXPhysics", dependencies: ["HXNumerics", "HXIO"], swiftSettings: kernelSettings),
        // Measuring and trimming a chip through its experimenter interface.
        .target(name: "HXCalibration", dependencies: ["HXPhysics", "HXNumerics", "HXIO"]),
        // Data sets (MNIST, digits, BasicMotions, Yin-Yang, UCI HAR layout).
        .target(name: "HXData", dependencies: ["HXNumerics", "HXIO"]),
        // Tensors, autograd, layers, back ends, partitioning, training.
        .target(
            name: "HXNetwork",
            dependencies: ["HXPhysics", "HXCalibration", "HXNumerics", "HXIO"]),
        // Applications: complete experiments on real tasks (data, network, chips, calibration).
        .target(
            name: "HXApplications",
            dependencies: ["HXNetwork", "HXData", "HXCalibration", "HXPhysics", "HXIO"]),
        // The version and git commit of the build (provenance of results files).
        .target(name: "HXBuildInfo", plugins: ["BuildInfoPlugin"]),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        // Inference-accuracy sweeps.
        .target(
            name: "HXSweep",
            dependencies: [
                "HXNetwork", "HXData", "HXCalibration", "HXPhysics", "HXIO", "HXBuildInfo",
                "HXNumerics",
            ]),
        // Throughput and accuracy benchmarks.
        .target(
            name: "HXBenchmarks",
            dependencies: [
                "HXApplications", "HXArguments", "HXData", "HXNetwork", "HXPhysics", "HXNumerics",
                "HXIO",
            ],
            swiftSettings: kernelSettings),
        // The command-line interface, as a library so that tests can drive it.
        .target(
            name: "HXSimCLI",
            dependencies: [
                "HXArguments", "HXApplications", "HXBenchmarks", "HXSweep", "HXNetwork", "HXData",
                "HXCalibration",
                "HXPhysics",
                "HXIO", "HXNumerics", "HXBuildInfo",
            ]),
        // The C ABI over chips, calibration, executors and model exchange (`@_cdecl`).
        .target(
            name: "HXSimC",
            dependencies: ["HXNetwork", "HXCalibration", "HXPhysics", "HXIO", "HXNumerics"],
            exclude: ["include"]),
        .executableTarget(name: "hxsim", dependencies: ["HXSimCLI"]),
        .executableTarget(
            name: "hxsim-bench",
            dependencies: ["HXArguments", "HXBenchmarks", "HXPhysics", "HXNumerics"]),
        // The fuzz harness of every parser (benchmarks/fuzz): crash capture in C (a signal
        // handler), targets and mutations, and its command line.
        .target(name: "CFuzzSupport"),
        .target(
            name: "HXFuzz",
            dependencies: [
                "CFuzzSupport", "HXSweep", "HXNetwork", "HXCalibration", "HXPhysics", "HXIO",
                "HXNumerics",
            ]),
        .executableTarget(name: "hxsim-fuzz", dependencies: ["HXFuzz"]),

        // What the test targets share: temporary directories, the data sets folder, statistics,
        // chip fixtures and the ideal chip of docs/MODEL.md written down independently.
        .target(
            name: "HXTestSupport", dependencies: ["HXPhysics", "HXIO", "HXNumerics"],
            path: "Tests/HXTestSupport"),
        .testTarget(name: "HXNumericsTests", dependencies: ["HXNumerics", "HXTestSupport"]),
        .testTarget(name: "HXIOTests", dependencies: ["HXIO", "HXTestSupport"]),
        .testTarget(name: "HXArgumentsTests", dependencies: ["HXArguments"]),
        .testTarget(name: "HXPhysicsTests", dependencies: ["HXPhysics", "HXTestSupport"]),
        .testTarget(name: "HXCalibrationTests", dependencies: ["HXCalibration", "HXTestSupport"]),
        .testTarget(name: "HXDataTests", dependencies: ["HXData", "HXTestSupport"]),
        .testTarget(name: "HXNetworkTests", dependencies: ["HXNetwork", "HXTestSupport"]),
        .testTarget(name: "HXSweepTests", dependencies: ["HXSweep", "HXTestSupport"]),
        .testTarget(
            name: "HXApplicationsTests",
            dependencies: [
                "HXApplications", "HXData", "HXNetwork", "HXIO", "HXNumerics", "HXTestSupport",
            ]),
        .testTarget(
            name: "HXSimCLITests",
            dependencies: ["HXSimCLI", "HXArguments", "HXBuildInfo", "HXTestSupport"]),
        .testTarget(
            name: "HXBenchmarksTests",
            dependencies: ["HXBenchmarks", "HXApplications", "HXArguments", "HXTestSupport"]),
        .testTarget(name: "HXSimCTests", dependencies: ["HXSimC", "HXNetwork", "HXPhysics"]),
        .testTarget(name: "HXFuzzTests", dependencies: ["HXFuzz"]),
    ]
)
