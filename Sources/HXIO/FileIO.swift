import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading whole files (bounded) and writing them atomically.
///
/// Reads accept regular files only: a directory, a FIFO, a device such as `/dev/zero` or a
/// socket is refused before a byte is read, with a message that says what the path is; a file
/// larger than the caller's limit (``ReadLimits``) is refused before it is read.
///
/// An atomic write never leaves a half-written file at `path`: the bytes go to a temporary file
/// in the same directory, which is flushed to the disk (`fsync`) and then renamed over `path`
/// (`rename` is atomic within one file system). A reader sees the old file or the new one. It
/// replaces regular files only (never a device, FIFO, socket, directory or symbolic link; see
/// ``OutputTarget``), and creates missing parent directories only when asked.
public enum FileIO {
    /// The contents of the regular file at `path`, at most `maxBytes` bytes.
    /// - Throws: ``IOError/fileNotFound(path:)``, ``IOError/readFailed(path:reason:)`` (a
    ///   directory, FIFO, device, symlink loop, permissions, ...) or
    ///   ``IOError/tooLarge(path:limit:)``.
    public static func read(
        path: String, maxBytes: Int = ReadLimits.dataset.maxFileBytes
    ) throws -> Data {
        let descriptor = try openForReading(path: path)
        defer { close(descriptor) }
        let size = try regularFileSize(descriptor, path: path)
        guard size <= maxBytes else { throw IOError.tooLarge(path: path, limit: maxBytes) }
        // Read until the end rather than trusting the size: a file may grow or shrink while it
        // is read (and /proc files report 0), but never beyond the limit.
        var data = Data(count: min(size, maxBytes) + 1)
        var count = 0
        while true {
            if count == data.count {
                guard count <= maxBytes else { throw IOError.tooLarge(path: path, limit: maxBytes) }
                data.count = min(max(2 * count, 4096), maxBytes + 1)
            }
            let got = data.withUnsafeMutableBytes { raw in
                systemRead(descriptor, raw.baseAddress! + count, raw.count - count)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw IOError.readFailed(path: path, reason: reason(errno: errno))
            }
            if got == 0 { break }
            count += got
        }
        guard count <= maxBytes else { throw IOError.tooLarge(path: path, limit: maxBytes) }
        data.count = count
        return data
    }

    /// The contents of the file at `path` as UTF-8 text.
    /// - Throws: as ``read(path:maxBytes:)``, and ``IOError/readFailed(path:reason:)`` for
    ///   bytes that are not UTF-8.
    public static func readText(
        path: String, maxBytes: Int = ReadLimits.dataset.maxFileBytes
    ) throws -> String {
        let data = try read(path: path, maxBytes: maxBytes)
        guard let text = String(data: data, encoding: .utf8) else {
            throw IOError.readFailed(path: path, reason: "the file is not UTF-8 text")
        }
        return text
    }

    /// Whether anything is at `path`, without following a final symbolic link: a link that
    /// leads nowhere or into a loop exists, so that reading it reports why it cannot be read
    /// instead of "no such file".
    public static func exists(path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Opens `path` for reading and returns the descriptor of a regular file; anything else is
    /// refused with a message naming what it is. The caller closes the descriptor.
    ///
    /// `O_NONBLOCK` keeps the open of a FIFO without a writer from hanging: such a path is
    /// refused right after, like every other non-regular file.
    static func openForReading(path: String) throws -> Int32 {
        guard !path.isEmpty else { throw IOError.fileNotFound(path: path) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { throw IOError.fileNotFound(path: path) }
            throw IOError.readFailed(path: path, reason: reason(errno: code))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw IOError.readFailed(path: path, reason: reason(errno: code))
        }
        if let kind = nonRegularKind(mode: info.st_mode) {
            close(descriptor)
            throw IOError.readFailed(path: path, reason: kind)
        }
        // Back to blocking reads for the regular file.
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        return descriptor
    }

    /// The size of the regular file open on `descriptor`.
    static func regularFileSize(_ descriptor: Int32, path: String) throws -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw IOError.readFailed(path: path, reason: reason(errno: errno))
        }
        return Int(info.st_size)
    }

    /// What a file of `mode` is when it is not a regular file ("is a directory", "is a named
    /// pipe (FIFO), not a regular file", ...); nil for a regular file.
    static func nonRegularKind(mode: mode_t) -> String? {
        switch mode & 0o170000 {
        case 0o100000: return nil
        case 0o040000: return "is a directory"
        case 0o010000: return "is a named pipe (FIFO), not a regular file"
        case 0o020000: return "is a character device, not a regular file"
        case 0o060000: return "is a block device, not a regular file"
        case 0o140000: return "is a socket, not a regular file"
        case 0o120000: return "is a symbolic link"
        default: return "is not a regular file"
        }
    }

    /// Writes `data` to `path` atomically.
    ///
    /// The temporary file is `.<name>.<pid>.<n>.tmp` beside `path`, created exclusively
    /// (`O_EXCL`), so concurrent writers never share one; it is removed if anything fails.
    /// After the rename the directory is flushed too, so that the new name survives a crash.
    /// - Parameter createParents: create missing parent directories (only where the user asked
    ///   for it); otherwise a missing directory is an error.
    /// - Throws: ``IOError/outputRefused(operand:path:reason:)`` when `path` is something other
    ///   than a regular file; ``IOError/writeFailed(path:reason:)`` naming `path` (never the
    ///   temporary file) with the system's reason, for example "no space left on device".
    public static func writeAtomically(
        _ data: Data, to path: String, createParents: Bool = false
    ) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        guard !path.isEmpty, !path.hasSuffix("/"), !name.isEmpty, name != "/", name != ".",
            name != ".."
        else {
            throw IOError.writeFailed(path: path, reason: "not a file name")
        }
        try OutputTarget.refuseNonRegular(path, operand: nil, strict: false)
        if createParents {
            try OutputTarget.createDirectories(directory, for: path)
        }
        let (descriptor, temporary) = try createTemporary(
            directory: directory, name: name, for: path)
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            try writeAll(data, to: descriptor, path: path)
            guard fsync(descriptor) == 0 else {
                throw IOError.writeFailed(path: path, reason: reason(errno: errno))
            }
        }
        try commit(temporary: temporary, to: path)
        renamed = true
        syncDirectory(directory)
    }

    /// Writes `text` as UTF-8 to `path` atomically (see ``writeAtomically(_:to:createParents:)``).
    public static func writeAtomically(
        _ text: String, to path: String, createParents: Bool = false
    ) throws {
        try writeAtomically(Data(text.utf8), to: path, createParents: createParents)
    }

    /// Renames a finished temporary file over `path`, checking first (again: something may have
    /// appeared since the work started) that it replaces nothing but a regular file.
    static func commit(temporary: String, to path: String) throws {
        try OutputTarget.refuseNonRegular(path, operand: nil, strict: false)
        guard rename(temporary, path) == 0 else {
            throw IOError.writeFailed(path: path, reason: reason(errno: errno))
        }
    }

    /// Creates a fresh temporary file beside the target `path`; returns its descriptor and
    /// path. Errors name `path`, the user's file.
    static func createTemporary(
        directory: String, name: String, for path: String
    ) throws -> (Int32, String) {
        let pid = getpid()
        for attempt in 0..<1000 {
            let candidate = directory + "/.\(name).\(pid).\(attempt).tmp"
            let descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 { return (descriptor, candidate) }
            let code = errno
            if code != EEXIST {
                // ENOENT also comes from a folder that exists but takes no new files (/proc).
                let detail =
                    code == ENOENT && !exists(path: directory)
                    ? "the directory \(directory) does not exist"
                    : "cannot create a file in \(directory): \(reason(errno: code))"
                throw IOError.writeFailed(path: path, reason: detail)
            }
        }
        throw IOError.writeFailed(
            path: path, reason: "no free temporary file name in \(directory) after 1000 tries")
    }

    /// Writes every byte of `data`, retrying after partial writes and interrupts; `path` names
    /// the user's file in errors.
    static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw IOError.writeFailed(path: path, reason: reason(errno: errno))
                }
                if written == 0 {
                    throw IOError.writeFailed(path: path, reason: reason(errno: ENOSPC))
                }
                offset += written
            }
        }
    }

    /// Flushes a directory entry; best effort, since some file systems refuse it.
    static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// The text of the current `errno`.
    static func errnoText() -> String { reason(errno: errno) }

    /// A short, lower-case reason for a system error code, in the words a user looks for:
    /// "no space left on device", "permission denied", "a symbolic link loop", ...
    public static func reason(errno code: Int32) -> String {
        switch code {
        case ELOOP: return "too many levels of symbolic links (a symlink loop)"
        case ENOSPC: return "no space left on device"
        case EDQUOT: return "disk quota exceeded"
        case EACCES, EPERM: return "permission denied"
        case EROFS: return "read-only file system"
        case EISDIR: return "is a directory"
        case ENOTDIR: return "a component of the path is not a directory"
        case ENOENT: return "no such file or directory"
        case ENAMETOOLONG: return "file name too long"
        case EIO: return "input/output error (a failing disk or a lost network file system?)"
        default:
            let text = String(cString: strerror(code))
            return text.prefix(1).lowercased() + text.dropFirst()
        }
    }

    /// A short reason for a Foundation error, without its domain boilerplate.
    static func systemReason(_ error: any Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return reason(errno: Int32(underlying.code))
        }
        if error.domain == NSPOSIXErrorDomain { return reason(errno: Int32(error.code)) }
        return error.localizedDescription
    }
}

/// The C library's `read`, which `FileIO.read` hides inside the enum.
func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
