import Foundation

/// Runs one test of this test binary in a child process, for what must not happen in the
/// shared test process (a process-wide limit, a library loaded with another environment): the
/// child is the binary itself, filtered to `filter`, with `environment` added to this
/// process's and the variables `removing` taken out. Returns the child's standard output, or nil (after printing why) when the tests
/// were not started from the test binary, where there is no binary to start.
public func runChildTest(
    filter: String, environment: [String: String], removing: [String] = []
) throws -> String? {
    let binary = CommandLine.arguments[0]
    guard FileManager.default.isExecutableFile(atPath: binary), binary.hasSuffix(".xctest") else {
        print("\(filter): not started from the test binary (\(binary)); skipped")
        return nil
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["--testing-library", "swift-testing", "--filter", filter]
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        .filter { !removing.contains($0.key) }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return output
}
