import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A place to write a result, checked before any work starts.
///
/// A command calls ``file(_:operand:createParents:allowsStandardOutput:)`` (or
/// ``directory(_:operand:create:)``) on each output path first, so that a typo, a missing or
/// read-only directory, or a path that names a device is reported at once instead of after an
/// hour of simulation. The rules:
///
/// - `-` and `/dev/stdout` mean standard output, written through by design.
/// - An existing path must be a regular file; HXSim never replaces a directory, a symbolic
///   link, a FIFO, a socket or a device node (`/dev/full`, `/dev/null`) with its result.
/// - The parent directory must exist and be writable. Missing parents are created only when
///   the caller passes `createParents` (a command that documents it), and then the nearest
///   existing ancestor must be a writable directory.
///
/// The atomic writes of ``FileIO`` keep the same rule at the moment they rename their result
/// into place.
public struct OutputTarget: Sendable, Equatable {
    /// Where the bytes go.
    public enum Destination: Sendable, Equatable {
        /// The process's standard output (`-`, `/dev/stdout`).
        case standardOutput
        /// A regular file, replaced atomically.
        case file(String)
    }

    /// Where the bytes go.
    public let destination: Destination
    /// The option or argument that named the target (`--out`), for messages.
    public let operand: String?
    /// Whether missing parent directories are created when the file is written.
    public let createParents: Bool

    /// The file's path, or nil for standard output.
    public var path: String? {
        if case .file(let path) = destination { return path }
        return nil
    }

    /// Checks an output file path (see ``OutputTarget``).
    /// - Parameters:
    ///   - operand: the option or argument that named it (`--out`), for messages.
    ///   - createParents: missing parent directories will be created (the command documents
    ///     it); the nearest existing ancestor must then be a writable directory.
    ///   - allowsStandardOutput: whether `-` and `/dev/stdout` mean standard output.
    /// - Throws: ``IOError/outputRefused(operand:path:reason:)`` naming the operand, the
    ///   user's path and the cause.
    public static func file(
        _ path: String, operand: String? = nil, createParents: Bool = false,
        allowsStandardOutput: Bool = true
    ) throws -> OutputTarget {
        if path == "-" || path == "/dev/stdout" {
            guard allowsStandardOutput else {
                throw IOError.outputRefused(
                    operand: operand, path: path, reason: "this output must be a file")
            }
            return OutputTarget(
                destination: .standardOutput, operand: operand, createParents: false)
        }
        let refuse = { (reason: String) in
            IOError.outputRefused(operand: operand, path: path, reason: reason)
        }
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        guard !path.isEmpty, !path.hasSuffix("/"), !name.isEmpty, name != "/", name != ".",
            name != ".."
        else { throw refuse(path.isEmpty ? "an empty path" : "names a directory, not a file") }
        try refuseNonRegular(path, operand: operand)
        try checkWritableDirectory(
            url.deletingLastPathComponent().path, create: createParents, refuse: refuse)
        return OutputTarget(
            destination: .file(path), operand: operand, createParents: createParents)
    }

    /// Checks an output directory: an existing, writable directory, or (with `create`) one
    /// whose nearest existing ancestor is. Returns the path.
    /// - Throws: ``IOError/outputRefused(operand:path:reason:)``.
    @discardableResult
    public static func directory(
        _ path: String, operand: String? = nil, create: Bool = false
    ) throws -> String {
        let refuse = { (reason: String) in
            IOError.outputRefused(operand: operand, path: path, reason: reason)
        }
        guard !path.isEmpty else { throw refuse("an empty path") }
        try checkWritableDirectory(path, create: create, refuse: refuse)
        return path
    }

    /// Writes `data` to the target: atomically to a file (creating parents if the target says
    /// so), or through `standardOutput`.
    public func write(_ data: Data, standardOutput: (Data) throws -> Void) throws {
        switch destination {
        case .standardOutput: try standardOutput(data)
        case .file(let path):
            try FileIO.writeAtomically(data, to: path, createParents: createParents)
        }
    }

    /// Creates the target's missing parent directories (a no-op for standard output or when
    /// the target does not create parents).
    public func createParentDirectories() throws {
        guard createParents, let path else { return }
        try Self.createDirectories(
            URL(fileURLWithPath: path).deletingLastPathComponent().path, for: path)
    }

    /// Creates `directory` and its missing parents (`mkdir -p`), for an output directory that
    /// ``directory(_:operand:create:)`` has checked.
    public static func createDirectories(_ directory: String) throws {
        try createDirectories(directory, for: directory)
    }

    /// Whether two paths name the same existing file (same device and inode, so links and
    /// different spellings count as the same).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var first = stat()
        var second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    /// A file a command names on its command line: the option or argument (`--out`) and the
    /// path as given. A nil path (an option left out) and the standard streams are skipped by
    /// ``refuseOverlaps(outputs:inputs:)``.
    public typealias NamedPath = (operand: String, path: String?)

    /// Refuses a command line whose outputs would replace one of its inputs or each other
    /// (`hxsim vmm --inputs x.csv --out x.csv`): each output is compared with every input and
    /// every other output, as the same existing file (``sameFile(_:_:)``) or as the same
    /// absolute path once `.`, `..` and symbolic links in its directories are resolved (an
    /// output need not exist yet). Call it before the work, with every file the command reads
    /// and writes.
    /// - Throws: ``IOError/outputRefused(operand:path:reason:)`` naming the output and the
    ///   operand it collides with.
    public static func refuseOverlaps(outputs: [NamedPath], inputs: [NamedPath]) throws {
        func files(_ named: [NamedPath]) -> [(operand: String, path: String)] {
            named.compactMap { item in
                guard let path = item.path, !standardStreams.contains(path) else { return nil }
                return (item.operand, path)
            }
        }
        let written = files(outputs)
        let read = files(inputs)
        for (index, output) in written.enumerated() {
            let others =
                read.map { (role: "the input", item: $0) }
                + written[..<index].map { (role: "the output", item: $0) }
            for other in others where same(output.path, other.item.path) {
                throw IOError.outputRefused(
                    operand: output.operand, path: output.path,
                    reason:
                        "it is also \(other.role) \(other.item.operand) \(other.item.path); "
                        + "write to another path")
            }
        }
    }

    /// The names of the standard streams, which several operands may share.
    static let standardStreams: Set<String> = ["-", "/dev/stdout", "/dev/stdin", "/dev/stderr"]

    /// Whether two paths name one file: the same existing file, or the same resolved path.
    static func same(_ a: String, _ b: String) -> Bool {
        func resolved(_ path: String) -> String {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            return url.deletingLastPathComponent().resolvingSymlinksInPath()
                .appendingPathComponent(url.lastPathComponent).path
        }
        return sameFile(a, b) || resolved(a) == resolved(b)
    }

    // MARK: - Checks shared with FileIO

    /// Throws if `path` exists as anything but a regular file (a symbolic link included: its
    /// target is not what the user named). With `strict`, a path that cannot be examined
    /// (a symlink loop, a file where a directory should be) is refused too; otherwise that is
    /// left to the check of the directory or to the write, which name the component.
    static func refuseNonRegular(_ path: String, operand: String?, strict: Bool = false) throws {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard let kind = FileIO.nonRegularKind(mode: info.st_mode) else { return }
            var reason = kind
            if kind == "is a symbolic link" {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path))
                reason +=
                    (target.map { " (to \($0))" } ?? "")
                    + "; HXSim replaces regular files only: name the file itself, or remove the link"
            } else if kind != "is a directory" {
                reason += "; HXSim replaces regular files only (use - for standard output)"
            }
            throw IOError.outputRefused(operand: operand, path: path, reason: reason)
        }
        let code = errno
        guard code == ENOENT || !strict else {
            throw IOError.outputRefused(
                operand: operand, path: path, reason: FileIO.reason(errno: code))
        }
    }

    /// Checks that `directory` is a writable directory, or (with `create`) that its nearest
    /// existing ancestor is.
    private static func checkWritableDirectory(
        _ directory: String, create: Bool, refuse: (String) -> IOError
    ) throws {
        var current = directory
        var missing: [String] = []
        while true {
            var info = stat()
            if stat(current, &info) == 0 {
                guard info.st_mode & 0o170000 == 0o040000 else {
                    throw refuse("\(current) is not a directory")
                }
                guard access(current, W_OK | X_OK) == 0 else {
                    throw refuse(
                        "cannot write in directory \(current): \(FileIO.reason(errno: errno))")
                }
                return
            }
            let code = errno
            guard code == ENOENT else {
                throw refuse("directory \(current): \(FileIO.reason(errno: code))")
            }
            guard create else {
                throw refuse("the directory \(current) does not exist")
            }
            missing.append(current)
            let parent = URL(fileURLWithPath: current).deletingLastPathComponent().path
            guard parent != current else { throw refuse("no existing directory above it") }
            current = parent
        }
    }

    /// `mkdir -p` with the system's reasons, naming `path` (the file the directories are for)
    /// in errors.
    static func createDirectories(_ directory: String, for path: String) throws {
        var prefix = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            if mkdir(prefix, 0o755) == 0 { continue }
            let code = errno
            var info = stat()
            if code == EEXIST, stat(prefix, &info) == 0, info.st_mode & 0o170000 == 0o040000 {
                continue
            }
            throw IOError.writeFailed(
                path: path,
                reason: code == EEXIST
                    ? "\(prefix) is not a directory"
                    : "cannot create the directory \(prefix): \(FileIO.reason(errno: code))")
        }
    }
}
