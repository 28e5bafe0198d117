import Foundation
import HXIO

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

    /// The keys of a parameter file's top-level object.
    public static let fileKeys = ["format", "version", "parameters"]

    /// Parses parameters from JSON data; `source` names the file in errors.
    ///
    /// The file must be an object with exactly the keys ``fileKeys``: `format` (this format's
    /// tag), `version` (at most ``fileVersion``) and `parameters` (names to numbers or
    /// true/false). The text is checked by HXIO's `StrictJSON`: a key given twice, a number
    /// beyond a `Double` (`1e999`) or anything outside JSON is refused with its line.
    /// - Throws: ``PhysicsError/malformedParameterFile(path:reason:)`` for the layout;
    ///   ``PhysicsError/unknownParameter(name:suggestion:)``,
    ///   ``PhysicsError/parameterOutOfRange(name:value:allowed:)`` or
    ///   ``PhysicsError/inconsistentParameters(_:)`` for the values.
    public init(json data: Data, source: String = "<data>") throws {
        func malformed(_ reason: String) -> PhysicsError {
            .malformedParameterFile(path: source, reason: reason)
        }
        let root: JSONValue
        do {
            root = try StrictJSON.parse(data, source: source)
        } catch let error as IOError {
            // The error names the source itself; keep the rest (line, column, cause).
            throw malformed(error.detail)
        }
        guard case .object(let members) = root else {
            throw malformed(
                "expected an object with the keys format, version and parameters, "
                    + "found \(root.kindName)")
        }
        for member in members where !Self.fileKeys.contains(member.key) {
            let hint = Spelling.hint(Spelling.closest(to: member.key, among: Self.fileKeys))
            throw malformed(
                "line \(member.line): unknown key '\(member.key)'\(hint); a parameter file "
                    + "has format, version and parameters")
        }
        guard let formatValue = root["format"] else {
            throw malformed(
                "no \"format\": not a parameter file (expected \"format\": \"\(Self.fileFormat)\")")
        }
        guard case .string(let format) = formatValue, format == Self.fileFormat else {
            throw malformed("format is \(Self.show(formatValue)), expected '\(Self.fileFormat)'")
        }
        guard case .number(let versionText)? = root["version"], let version = Int(versionText),
            version >= 1
        else {
            throw malformed("missing or invalid \"version\" (expected \(Self.fileVersion))")
        }
        if version > Self.fileVersion {
            throw malformed(
                FileText.otherVersion(found: version, supported: Self.fileVersion)
                    + " — update HXSim, or write the file with this HXSim's `hxsim chip --json`")
        }
        guard case .object(let entries)? = root["parameters"] else {
            throw malformed(
                root["parameters"] == nil
                    ? "no \"parameters\" object"
                    : "\"parameters\" is \(root["parameters"]!.kindName), expected an object")
        }
        var parameters = PhysicsParameters()
        for entry in entries {
            switch entry.value {
            case .bool(let on): try parameters.set(entry.key, to: .flag(on))
            case .number(let text):
                // StrictJSON has checked that the text is a number within a Double's range.
                guard let value = Double(text) else {
                    throw malformed("parameter \(entry.key): '\(text)' is not a number")
                }
                try parameters.set(entry.key, to: .real(value))
            default:
                throw malformed(
                    "line \(entry.line): parameter \(entry.key) is \(entry.value.kindName), "
                        + "expected a number or true/false")
            }
        }
        try parameters.validate()
        self = parameters
    }

    private static func show(_ value: JSONValue) -> String {
        if case .string(let text) = value { return "'\(text)'" }
        return value.kindName
    }

    /// Loads parameters from the JSON file at `path` (at most HXIO's `ReadLimits.document`).
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try FileIO.read(path: path, maxBytes: ReadLimits.document.maxFileBytes)
        } catch let error as IOError {
            throw PhysicsError.malformedParameterFile(path: path, reason: error.detail)
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

    /// Writes the parameters to `path` atomically (HXIO's `FileIO`: regular files only).
    public func write(to path: String) throws {
        try FileIO.writeAtomically(jsonData(), to: path)
    }

    /// A 64-bit fingerprint of the canonical JSON (FNV-1a): equal parameter sets have equal
    /// fingerprints; calibration results record it to refuse another parameter set.
    public var fingerprint: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in jsonData() { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return String(hash, radix: 16).leftPadded(to: 16)
    }

}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
