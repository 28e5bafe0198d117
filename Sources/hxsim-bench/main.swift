import Foundation
import HXBenchmarks

// `swift run -c release hxsim-bench [--quick] [--json] [--out DIR]`: the benchmark suite (see
// benchmarks/README.md). The same suite runs as `hxsim bench`.
exit(BenchmarkCommandLine.main(arguments: Array(CommandLine.arguments.dropFirst())))
