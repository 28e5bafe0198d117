import Foundation
import HXSimCLI

// The hxsim command: everything lives in HXSimCLI so that tests can drive it.
exit(await HXSimCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
