import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading whole files and writing them atomically.
///
/// An atomic write never leaves a half-written file at `path`: the bytes go to a temporary file
/// in the same directory, which is flushed to the disk (`fsync`) and then renamed over `path`
/// (`rename` is atomic within one file system). A reader sees the old file or the new one.
public enum FileIO {
    /// The contents of the file at `path`.
    /// - Throws: ``IOError/fileNotFound(path:)`` or ``IOError/readFailed(path:reason:)``.
    public static func read(path: String) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else {
            throw IOError.fileNotFound(path: path)
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw IOError.readFailed(path: path, reason: systemReason(error))
        }
    }

    /// The contents of the file at `path` as UTF-8 text.
    /// - Throws: as ``read(path:)``, and ``IOError/readFailed(path:reason:)`` for bytes that
    ///   are not UTF-8.
    public static func readText(path: String) throws -> String {
        let data = try read(path: path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw IOError.readFailed(path: path, reason: "the file is not UTF-8 text")
        }
        return text
    }

    /// Writes `data` to `path` atomically, creating missing parent directories.
    ///
    /// The temporary file is `.<name>.<pid>.<n>.tmp` beside `path`, created exclusively
    /// (`O_EXCL`), so concurrent writers never share one; it is removed if anything fails.
    /// After the rename the directory is flushed too, so that the new name survives a crash.
    /// - Throws: ``IOError/writeFailed(path:reason:)`` with the system's message.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        guard !name.isEmpty, name != "/" else {
            throw IOError.writeFailed(path: path, reason: "not a file name")
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw IOError.writeFailed(path: path, reason: systemReason(error))
        }
        let (descriptor, temporary) = try createTemporary(directory: directory, name: name)
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            try writeAll(data, to: descriptor, path: temporary)
            guard fsync(descriptor) == 0 else {
                throw IOError.writeFailed(path: temporary, reason: errnoText())
            }
        }
        guard rename(temporary, path) == 0 else {
            throw IOError.writeFailed(path: path, reason: errnoText())
        }
        renamed = true
        syncDirectory(directory)
    }

    /// Writes `text` as UTF-8 to `path` atomically (see ``writeAtomically(_:to:)``).
    public static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(Data(text.utf8), to: path)
    }

    /// Creates a fresh temporary file beside the target; returns its descriptor and path.
    private static func createTemporary(
        directory: String, name: String
    ) throws -> (Int32, String) {
        let pid = getpid()
        for attempt in 0..<1000 {
            let candidate = directory + "/.\(name).\(pid).\(attempt).tmp"
            let descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 { return (descriptor, candidate) }
            if errno != EEXIST {
                throw IOError.writeFailed(path: candidate, reason: errnoText())
            }
        }
        throw IOError.writeFailed(
            path: directory + "/" + name, reason: "no free temporary file name after 1000 tries")
    }

    /// Writes every byte of `data`, retrying after partial writes and interrupts.
    static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw IOError.writeFailed(path: path, reason: errnoText())
                }
                offset += written
            }
        }
    }

    /// Flushes a directory entry; best effort, since some file systems refuse it.
    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// The text of the current `errno`.
    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// A short reason for a Foundation error, without its domain boilerplate.
    static func systemReason(_ error: any Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }
}
