import Foundation
import HXIO
import HXNumerics
import HXPhysics
import HXTestSupport
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
        errorText { try CalibrationResult(json: data, source: "c.json") }
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

/// Issue 12, item 1: the digital correction of a batch in chunks equals that of the whole
/// batch, so a streamed `hxsim vmm --digital-correction` prints the same codes.
@Suite("Digital correction in chunks")
struct ChunkedCorrectionTests {
    @Test("chunks corrected with their first row give the codes of the whole batch")
    func chunks() throws {
        let result = try Fixtures.chip2.get().run.result
        let outputs = try Matrix(
            rows: 23, columns: 300,
            storage: (0..<6900).map { Int8(truncatingIfNeeded: ($0 * 37) % 200 - 100) })
        let whole = try result.correctVMM(outputs, ditherSeed: 99)
        var joined: [Int8] = []
        for start in stride(from: 0, to: 23, by: 5) {
            let part = outputs.slice(rows: start..<min(23, start + 5), columns: 0..<300)
            joined += try result.correctVMM(part, ditherSeed: 99, firstRow: start).storage
        }
        #expect(joined == whole.storage)
        // Without the offset the dither would repeat from row 0 in every chunk.
        let unshifted = try result.correctVMM(
            outputs.slice(rows: 5..<10, columns: 0..<300), ditherSeed: 99)
        #expect(unshifted.storage != Array(whole.storage[1500..<3000]))
    }
}
