// Stamps the build with the git commit of the source tree: before every build, a shell script
// writes `GeneratedBuildInfo.swift` (only when its content changes, so an unchanged commit
// recompiles nothing). Results files record it as their provenance (HXSweep).
import Foundation
import PackagePlugin

@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let script = context.package.directoryURL.appending(path: "scripts/build-info.sh")
        return [
            .prebuildCommand(
                displayName: "Stamping the build with its git commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    script.path, context.package.directoryURL.path,
                    output.appending(path: "GeneratedBuildInfo.swift").path,
                ],
                outputFilesDirectory: output)
        ]
    }
}
