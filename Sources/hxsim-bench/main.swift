import Foundation
import HXArguments
import HXBenchmarks

// `swift run -c release hxsim-bench [--quick] [--json] [--out DIR]`: the benchmark suite (see
// benchmarks/README.md). The same command runs as `hxsim bench`.
exit(
    BenchmarkCommand.main(
        arguments: Array(CommandLine.arguments.dropFirst()), programName: "hxsim-bench"))
