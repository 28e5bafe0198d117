import Foundation
import HXIO
import HXTestSupport
import Testing

@testable import HXPhysics

/// Issue 12, items 4 and 6: a parameter file refuses a key twice (whose second value would
/// never be checked), unknown top-level keys, a missing format and numbers beyond a Double.
@Suite("Strict parameter files")
struct StrictParameterFileTests {
    func reason(_ text: String) -> String? {
        errorText { try PhysicsParameters(json: Data(text.utf8), source: "p.json") }
    }

    let head = #"{"format": "hxsim-physics-parameters", "version": 1, "#

    @Test("readNoise twice is refused with its line, instead of taking -5 unchecked")
    func duplicate() {
        let text = head + "\n\"parameters\": {\"readNoise\": 1.2,\n \"readNoise\": -5}}"
        #expect(
            reason(text)
                == "cannot read parameter file p.json: line 3, column 2: object parameters has "
                + "the key 'readNoise' twice; each key may appear once")
    }

    @Test("an unknown top-level key and a missing format are refused")
    func layout() {
        #expect(
            reason(head + #""parameters": {}, "paramters": {"readNoise": 2}}"#)?.contains(
                "unknown key 'paramters' (did you mean 'parameters'?)") == true)
        #expect(
            reason(#"{"version": 1, "parameters": {"readNoise": 0.5}}"#)?.contains(
                "no \"format\": not a parameter file") == true)
        #expect(reason(#"[1, 2]"#)?.contains("found an array") == true)
        // A newer file says what to do about it (review of this stop).
        #expect(
            reason(#"{"format": "hxsim-physics-parameters", "version": 3, "parameters": {}}"#)
                == "cannot read parameter file p.json: format version 3; this HXSim reads "
                + "version 1 — update HXSim, or write the file with this HXSim's "
                + "`hxsim chip --json`")
        #expect(
            reason(head + #""parameters": {"readNoise": "1"}}"#)?.contains("is a string") == true)
    }

    @Test("1e999 is a number out of range, not 'neither a number nor true/false'")
    func outOfRange() {
        #expect(
            reason(head + #""parameters": {"readNoise": 1e999}}"#)?.contains(
                "number '1e999' is out of range") == true)
    }

    @Test("the file the chip command prints loads back unchanged, and a FIFO is refused")
    func roundTrip() throws {
        var parameters = PhysicsParameters()
        parameters.readNoise = 0.75
        #expect(try PhysicsParameters(json: parameters.jsonData()) == parameters)
        #expect(
            throws: PhysicsError.malformedParameterFile(
                path: "/dev/zero", reason: "cannot read: is a character device, not a regular file")
        ) {
            try PhysicsParameters(contentsOf: "/dev/zero")
        }
    }
}
