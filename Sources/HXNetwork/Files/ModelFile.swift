import Foundation
import HXIO

/// Saving and loading trained models as versioned JSON (format described in `HXNetwork.docc/ModelFormat.md`).
///
/// A file holds `{"format": "hxsim.hxnetwork.model", "version": 1, "checksum": "…",
/// "model": {"type": "Sequential", "layers": [...]}}`. Tensors are base64 little-endian binary32,
/// so weights round-trip bit for bit; keys are sorted, so saving the same model twice gives the
/// same bytes. The checksum (FNV-1a 64 over the parameters' shapes and bit patterns) catches
/// damaged numbers that still parse. Writes go to a temporary file in the same directory that is
/// renamed over the target, so a reader never sees half a file.
public enum ModelFile {
    /// The `format` tag of every model file.
    public static let formatTag = "hxsim.hxnetwork.model"
    /// The format version this build writes and reads.
    public static let version = 1

    private struct Header: Decodable {
        let format: String?
        let version: Int?
    }

    private struct Envelope: Codable {
        let format: String
        let version: Int
        let checksum: String
        let model: LayerRecord
    }

    /// The file content for `model`.
    /// - Throws: ``NetworkError/notSerializable(type:)`` for a layer the format does not know;
    ///   ``NetworkError/nonFinite(tensor:)`` for NaN or infinite parameters.
    public static func encode(_ model: Sequential) throws -> Data {
        for (index, parameter) in model.parameters.enumerated() {
            try parameter.checkFinite("parameter \(index) of the saved model")
        }
        let envelope = Envelope(
            format: formatTag, version: version, checksum: checksum(of: model),
            model: try LayerRecord(model))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return try encoder.encode(envelope)
        } catch let error as NetworkError {
            throw error
        } catch {
            throw NetworkError.modelFile(path: "<memory>", reason: "cannot encode: \(error)")
        }
    }

    /// The model in `data`; `source` names it in errors.
    /// - Throws: ``NetworkError/modelFile(path:reason:)`` for truncated, damaged or foreign
    ///   content; ``NetworkError/unsupportedModelVersion(path:found:supported:)`` for another
    ///   format version.
    public static func decode(_ data: Data, source: String = "<memory>") throws -> Sequential {
        // Duplicate keys, numbers out of range and non-JSON are refused with their line.
        do { try StrictJSON.check(data, source: source) } catch let error as IOError {
            var reason = error.detail
            if case .malformedJSON = error {
                reason = "not valid JSON (truncated or damaged?): " + reason
            }
            throw NetworkError.modelFile(path: source, reason: reason)
        }
        let decoder = JSONDecoder()
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: data)
        } catch {
            throw NetworkError.modelFile(
                path: source,
                reason: JSON.numberMismatch(error, in: data)
                    ?? "not valid JSON (truncated or damaged?): \(explain(error))")
        }
        guard header.format == formatTag else {
            throw NetworkError.modelFile(
                path: source,
                reason:
                    "not an HXNetwork model: format tag is \(header.format.map { "\"\($0)\"" } ?? "missing"), "
                    + "expected \"\(formatTag)\"")
        }
        guard let found = header.version else {
            throw NetworkError.modelFile(path: source, reason: "the format version is missing")
        }
        guard found == version else {
            throw NetworkError.unsupportedModelVersion(
                path: source, found: found, supported: version)
        }
        let envelope: Envelope
        do {
            envelope = try decoder.decode(Envelope.self, from: data)
        } catch {
            throw NetworkError.modelFile(
                path: source, reason: JSON.numberMismatch(error, in: data) ?? explain(error))
        }
        guard let model = envelope.model.layer as? Sequential else {
            throw NetworkError.modelFile(
                path: source,
                reason: "the top-level model is a \(envelope.model.typeName), expected Sequential")
        }
        let actual = checksum(of: model)
        guard actual == envelope.checksum else {
            throw NetworkError.modelFile(
                path: source,
                reason:
                    "checksum mismatch: the file says \(envelope.checksum), its parameters give "
                    + "\(actual); the weights are damaged")
        }
        return model
    }

    /// Writes `model` to `url` atomically.
    /// - Throws: ``NetworkError/modelFile(path:reason:)`` when the file cannot be written, or an
    ///   encoding error of ``encode(_:)``.
    public static func save(_ model: Sequential, to url: URL) throws {
        let data = try encode(model)
        // HXIO's atomic write: a temporary file renamed over a regular file only.
        do { try FileIO.writeAtomically(data, to: url.path) } catch {
            throw NetworkError.modelFile(
                path: url.path, reason: (error as? IOError)?.detail ?? "cannot write: \(error)")
        }
    }

    /// Reads the model at `url`.
    /// - Throws: ``NetworkError/modelFile(path:reason:)`` when the file is missing or damaged;
    ///   see ``decode(_:source:)``.
    public static func load(from url: URL) throws -> Sequential {
        let data: Data
        do {
            data = try FileIO.read(path: url.path, maxBytes: ReadLimits.document.maxFileBytes)
        } catch {
            throw NetworkError.modelFile(
                path: url.path, reason: (error as? IOError)?.detail ?? "cannot read: \(error)")
        }
        return try decode(data, source: url.path)
    }

    /// FNV-1a 64 over the parameters' ranks, shapes and little-endian bit patterns, as 16 hex
    /// digits.
    public static func checksum(of model: Sequential) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ word: UInt64, bytes: Int) {
            for shift in stride(from: 0, to: 8 * bytes, by: 8) {
                hash = (hash ^ ((word >> UInt64(shift)) & 0xFF)) &* 0x0000_0100_0000_01B3
            }
        }
        for parameter in model.parameters {
            mix(UInt64(parameter.rank), bytes: 8)
            for size in parameter.shape { mix(UInt64(size), bytes: 8) }
            for value in parameter.storage { mix(UInt64(value.bitPattern), bytes: 4) }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A one-line account of a decoding error, with the path of the offending value.
    static func explain(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
                .joined()
            return text.isEmpty ? "top level" : String(text.drop(while: { $0 == "." }))
        }
        switch error {
        case let error as NetworkError:
            return error.description
        case DecodingError.keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\" at \(path(context.codingPath))"
        case DecodingError.typeMismatch(let type, let context):
            return "expected \(type) at \(path(context.codingPath)): \(context.debugDescription)"
        case DecodingError.valueNotFound(let type, let context):
            return "missing \(type) value at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            return "\(context.debugDescription) at \(path(context.codingPath))\(underlying)"
        default:
            return String(describing: error)
        }
    }
}
