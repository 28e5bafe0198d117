import Foundation
import HXSimCLI

// The hxsim command: everything lives in HXSimCLI so that tests can drive it.
exit(HXSimCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
