import Foundation

/// Reading and writing ``PhysicsParameters`` as JSON.
///
/// The file is an object `{"format": "hxsim-physics-parameters", "version": 1, "parameters":
/// {name: value, …}}`. On load, parameters not named keep their defaults, so a file may hold only
/// the values it changes; an unknown name, a value of the wrong type, a value out of range or a
/// contradiction between values is an error naming it.
extension PhysicsParameters {
    /// The `format` tag of parameter files.
    public static let fileFormat = "hxsim-physics-parameters"
    /// The current file version.
    public static let fileVersion = 1

    private enum Scalar: Decodable {
        case flag(Bool)
        case number(Double)
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) {
                self = .flag(flag)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .other
            }
        }
    }

    private struct FileLayout: Decodable {
        var format: String?
        var version: Int?
        var parameters: [String: Scalar]
    }

    /// Parses parameters from JSON data; `source` names the file in errors.
    public init(json data: Data, source: String = "<data>") throws {
        let layout: FileLayout
        do {
            layout = try JSONDecoder().decode(FileLayout.self, from: data)
        } catch {
            throw PhysicsError.malformedParameterFile(
                path: source, reason: "not a parameter file (\(Self.describe(error)))")
        }
        if let format = layout.format, format != Self.fileFormat {
            throw PhysicsError.malformedParameterFile(
                path: source, reason: "format is '\(format)', expected '\(Self.fileFormat)'")
        }
        if let version = layout.version, version > Self.fileVersion {
            throw PhysicsError.malformedParameterFile(
                path: source,
                reason: "version \(version) is newer than this HXSim reads (\(Self.fileVersion))")
        }
        var parameters = PhysicsParameters()
        for name in layout.parameters.keys.sorted() {
            switch layout.parameters[name]! {
            case .flag(let on): try parameters.set(name, to: .flag(on))
            case .number(let value): try parameters.set(name, to: .real(value))
            case .other:
                throw PhysicsError.malformedParameterFile(
                    path: source, reason: "parameter \(name) is neither a number nor true/false")
            }
        }
        try parameters.validate()
        self = parameters
    }

    /// Loads parameters from the JSON file at `path`.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PhysicsError.malformedParameterFile(path: path, reason: "cannot be read")
        }
        try self.init(json: data, source: path)
    }

    /// The parameters as JSON: every parameter, keys sorted, full precision. Two equal parameter
    /// sets give byte-identical JSON, which is what ``fingerprint`` hashes.
    public func jsonData() -> Data {
        var lines: [String] = []
        for descriptor in Self.descriptors.sorted(by: { $0.name < $1.name }) {
            let text: String
            switch descriptor.value(in: self) {
            case .real(let value): text = "\(value)"
            case .flag(let on): text = on ? "true" : "false"
            }
            lines.append("    \"\(descriptor.name)\": \(text)")
        }
        let body =
            "{\n  \"format\": \"\(Self.fileFormat)\",\n  \"version\": \(Self.fileVersion),\n"
            + "  \"parameters\": {\n" + lines.joined(separator: ",\n") + "\n  }\n}\n"
        return Data(body.utf8)
    }

    /// Writes the parameters to `path` atomically.
    public func write(to path: String) throws {
        try jsonData().write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// A 64-bit fingerprint of the canonical JSON (FNV-1a): equal parameter sets have equal
    /// fingerprints; calibration results record it to refuse another parameter set.
    public var fingerprint: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in jsonData() { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return String(hash, radix: 16).leftPadded(to: 16)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "unexpected value at '\(path)'"
        case DecodingError.dataCorrupted: return "invalid JSON"
        default: return "\(error)"
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
