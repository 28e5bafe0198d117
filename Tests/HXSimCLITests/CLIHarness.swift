import Foundation
import HXArguments

@testable import HXSimCLI

/// Runs hxsim in-process and collects what it prints.
final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private var outText = ""
    private var errText = ""
    var out: String { lock.withLock { outText } }
    var err: String { lock.withLock { errText } }

    var output: CommandOutput {
        CommandOutput(
            out: { [self] text in lock.withLock { outText += text } },
            err: { [self] text in lock.withLock { errText += text } })
    }
}

func hxsim(_ arguments: [String]) -> (status: Int32, out: String, err: String) {
    let captured = Captured()
    let status = HXSimCommand.run(arguments: arguments, output: captured.output)
    return (status, captured.out, captured.err)
}
