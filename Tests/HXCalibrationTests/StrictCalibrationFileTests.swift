import Foundation
import HXIO
import HXPhysics
import Testing

@testable import HXCalibration

/// Issue 12, item 4: a calibration file with a key the format does not have, a key twice or no
/// `format` is refused, at any depth, before anything is applied.
@Suite("Strict calibration files")
struct StrictCalibrationFileTests {
    /// The JSON text of a real result with `edit` applied to its text.
    func edited(_ edit: (String) -> String) throws -> Data {
        let text = String(decoding: try Fixtures.chip2.get().run.result.jsonData(), as: UTF8.self)
        let changed = edit(text)
        #expect(changed != text, "the edit changed nothing")
        return Data(changed.utf8)
    }

    func reason(_ data: Data) -> String? {
        do {
            _ = try CalibrationResult(json: data, source: "c.json")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("a written result has no key the check calls unknown")
    func roundTripIsClean() throws {
        let data = try Fixtures.chip2.get().run.result.jsonData()
        #expect(reason(data) == nil)
    }

    @Test("an unknown key is refused at the top level and inside nested objects")
    func unknownKeys() throws {
        let top = try edited {
            $0.replacingOccurrences(of: "\"chipSeed\"", with: "\"extra\": 1, \"chipSeed\"")
        }
        #expect(
            reason(top)?.contains("unknown key 'extra'") == true, "\(reason(top) ?? "accepted")")
        let nested = try edited {
            $0.replacingOccurrences(of: "\"baseline\" :", with: "\"baselin\" : 1, \"baseline\" :")
        }
        let nestedReason = reason(nested) ?? "accepted"
        #expect(
            nestedReason.contains("unknown key '") && nestedReason.contains(".baselin'"),
            "\(nestedReason)")
    }

    @Test("a key given twice is refused, though its first value would pass every check")
    func duplicateKey() throws {
        let data = try edited {
            $0.replacingOccurrences(of: "\"chipSeed\"", with: "\"chipSeed\" : 2, \"chipSeed\"")
        }
        #expect(
            reason(data)?.contains("has the key 'chipSeed' twice") == true,
            "\(reason(data) ?? "accepted")")
    }

    @Test("a missing format tag is refused")
    func missingFormat() throws {
        let data = try edited {
            $0.replacingOccurrences(of: "\"format\" : \"hxsim-calibration\",", with: "")
        }
        #expect(
            reason(data)?.contains("no \"format\" tag") == true, "\(reason(data) ?? "accepted")")
    }
}
