import Foundation

/// The hxsim command line.
public enum HXSimCommand {
    /// Runs the command with `arguments` (without the program name); returns the exit status.
    public static func main(arguments: [String]) async -> Int32 {
        FileHandle.standardError.write(Data("hxsim: not built yet\n".utf8))
        return 1
    }
}
