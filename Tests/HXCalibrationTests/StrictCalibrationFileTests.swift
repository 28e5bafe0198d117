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

    /// A change to a written result's text and the parts its refusal must name.
    struct Edit: CustomTestStringConvertible, Sendable {
        var testDescription: String
        var replacing: String
        var with: String
        var reasonNames: [String]
    }

    static let edits = [
        Edit(
            testDescription: "an unknown key at the top level", replacing: "\"chipSeed\"",
            with: "\"extra\": 1, \"chipSeed\"", reasonNames: ["unknown key 'extra'"]),
        Edit(
            testDescription: "an unknown key inside a nested object", replacing: "\"baseline\" :",
            with: "\"baselin\" : 1, \"baseline\" :", reasonNames: ["unknown key '", ".baselin'"]),
        Edit(
            testDescription: "a key given twice, though its first value would pass every check",
            replacing: "\"chipSeed\"", with: "\"chipSeed\" : 2, \"chipSeed\"",
            reasonNames: ["has the key 'chipSeed' twice"]),
        Edit(
            testDescription: "a missing format tag",
            replacing: "\"format\" : \"hxsim-calibration\",", with: "",
            reasonNames: ["no \"format\" tag"]),
    ]

    @Test(
        "an unknown key (at the top level or nested), a key given twice or a missing format tag is refused",
        arguments: edits)
    func refused(edit: Edit) throws {
        let data = try edited { $0.replacingOccurrences(of: edit.replacing, with: edit.with) }
        let refusal = reason(data) ?? "accepted"
        #expect(edit.reasonNames.allSatisfy { refusal.contains($0) }, "\(refusal)")
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
