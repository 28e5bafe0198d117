import Foundation
import HXIO
import HXPhysics

/// Reading and writing calibration results as JSON.
///
/// The file is one object with `format` = "hxsim-calibration", `version` = 1, and the fields of
/// ``CalibrationResult`` (pretty-printed, keys sorted). Loading checks, in order: that the file
/// exists and is complete JSON, the format tag, the version, every field's type, the shapes and
/// ranges of the configuration and the digital fit, and the checksum over the whole content. A
/// file that fails any check is refused with an error naming the problem; nothing is applied.
extension CalibrationResult {
    /// The canonical JSON of the result with `checksum` set to `value`.
    private func encoded(checksum value: String) throws -> Data {
        var copy = self
        copy.checksum = value
        do { return try JSON.encode(copy) } catch let error as IOError {
            throw CalibrationError.io(error)
        }
    }

    /// The checksum this result's content has: SHA-256 of its JSON with an empty checksum.
    public func computedChecksum() throws -> String {
        SHA256.hex(try encoded(checksum: ""))
    }

    /// The result with its checksum filled in.
    func sealed() throws -> CalibrationResult {
        var copy = self
        copy.checksum = try computedChecksum()
        return copy
    }

    /// The result as JSON (with its checksum).
    public func jsonData() throws -> Data {
        try encoded(checksum: try computedChecksum())
    }

    /// Writes the result to `path` atomically; missing directories are created only with
    /// `createParents`.
    public func write(to path: String, createParents: Bool = false) throws {
        let data = try jsonData()
        do { try FileIO.writeAtomically(data, to: path, createParents: createParents) } catch let
            error as IOError
        {
            throw CalibrationError.io(error)
        }
    }

    /// Loads and validates the result in the file at `path`.
    /// - Throws: ``CalibrationError/malformedFile(path:reason:)`` (missing, empty, truncated or
    ///   not JSON, another format), ``CalibrationError/io(_:)`` (a file that cannot be read: a
    ///   directory, no permission, too large), ``CalibrationError/unsupportedVersion(path:found:supported:)``
    ///   or ``CalibrationError/invalidContent(path:reason:)`` (a field of the wrong type, shape
    ///   or range, or a checksum that does not match).
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try FileIO.read(path: path, maxBytes: ReadLimits.document.maxFileBytes)
        } catch let error as IOError {
            if case .fileNotFound = error {
                throw CalibrationError.malformedFile(path: path, reason: "the file does not exist")
            }
            throw CalibrationError.io(error)
        }
        try self.init(json: data, source: path)
    }

    private struct Header: Decodable {
        var format: String?
        var version: Int?
    }

    /// Parses and validates a result from JSON; `source` names the file in errors.
    public init(json data: Data, source: String = "<data>") throws {
        guard !data.isEmpty else {
            throw CalibrationError.malformedFile(path: source, reason: "the file is empty")
        }
        let header: Header
        do { header = try JSON.decode(Header.self, from: data, source: source) } catch {
            throw CalibrationError.malformedFile(
                path: source,
                reason: Self.reason(error) + " (a truncated or damaged file?)")
        }
        guard let format = header.format else {
            throw CalibrationError.malformedFile(
                path: source, reason: "no \"format\" tag: not a calibration file")
        }
        guard format == Self.fileFormat else {
            throw CalibrationError.malformedFile(
                path: source, reason: "format is '\(format)', expected '\(Self.fileFormat)'")
        }
        guard let version = header.version, version >= 1 else {
            throw CalibrationError.invalidContent(
                path: source, reason: "missing or invalid \"version\" (expected 1)")
        }
        guard version <= Self.fileVersion else {
            throw CalibrationError.unsupportedVersion(
                path: source, found: version, supported: Self.fileVersion)
        }
        let result: CalibrationResult
        do { result = try JSON.decode(CalibrationResult.self, from: data, source: source) } catch {
            throw CalibrationError.invalidContent(path: source, reason: Self.reason(error))
        }
        try Self.refuseUnknownKeys(data, of: result, source: source)
        try result.validate(source: source)
        self = result
    }

    /// Refuses keys the format does not have (a typo such as `"gainz"`, or a field of another
    /// program): the keys of the file are compared with those of the decoded result encoded
    /// back, at every level.
    private static func refuseUnknownKeys(
        _ data: Data, of result: CalibrationResult, source: String
    ) throws {
        let unknown: [String]
        do {
            let original = try StrictJSON.parse(data, source: source)
            let known = try StrictJSON.parse(try JSON.encode(result), source: "<encoded result>")
            unknown = StrictJSON.unknownKeys(in: original, comparedTo: known)
        } catch {
            throw CalibrationError.invalidContent(path: source, reason: Self.reason(error))
        }
        guard let first = unknown.first else { return }
        let more = unknown.count > 1 ? " (and \(unknown.count - 1) more)" : ""
        throw CalibrationError.invalidContent(
            path: source,
            reason: "unknown key '\(first)'\(more): not a field of a calibration result")
    }

    /// Checks shapes, ranges and the checksum; `source` names the file in errors.
    public func validate(source: String) throws {
        do { try configuration.validate() } catch {
            throw CalibrationError.invalidContent(path: source, reason: "configuration: \(error)")
        }
        try correction?.validate(source: source)
        let hexDigits = Set("0123456789abcdef")
        guard parameterHash.count == 64, parameterHash.allSatisfy({ hexDigits.contains($0) }) else {
            throw CalibrationError.invalidContent(
                path: source, reason: "parameterHash is not a SHA-256 hex digest")
        }
        for (name, value) in [
            ("targets.cadcReference", targets.cadcReference),
            ("targets.baseline", targets.baseline),
            ("targets.amplitude", targets.amplitude),
            ("targets.lsbPerInputWeight", targets.lsbPerInputWeight), ("wallTime", wallTime),
        ] where !value.isFinite || value < 0 {
            throw CalibrationError.invalidContent(
                path: source, reason: "\(name) = \(value) is not a finite, non-negative number")
        }
        let expected = try computedChecksum()
        guard checksum == expected else {
            throw CalibrationError.invalidContent(
                path: source,
                reason: "the content does not match its checksum: the file was changed or "
                    + "damaged after it was written (recalibrate, or restore the file)")
        }
    }

    /// The message of a decoding or I/O error.
    /// What is wrong with the file, without its name: the error it becomes names it.
    private static func reason(_ error: any Error) -> String {
        (error as? IOError)?.detail ?? "\(error)"
    }
}
