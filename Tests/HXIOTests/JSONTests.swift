import Foundation
import HXTestSupport
import Testing

@testable import HXIO

@Suite("JSON encoding and decoding errors")
struct JSONTests {
    struct Parameters: Codable, Equatable {
        var membraneCapacitance: Double
        var name: String
    }
    struct Configuration: Codable, Equatable {
        var parameters: Parameters
        var layers: [Parameters]
        var enabled: Bool
    }

    let sample = Configuration(
        parameters: Parameters(membraneCapacitance: 2.5e-12, name: "a"),
        layers: [Parameters(membraneCapacitance: 1, name: "b")], enabled: true)

    @Test("the encoder writes pretty, key-sorted, stable JSON that decodes to the same value")
    func stableEncoding() throws {
        let first = try JSON.encode(sample)
        #expect(try JSON.encode(sample) == first)
        let text = String(decoding: first, as: UTF8.self)
        let keys = ["\"enabled\"", "\"layers\"", "\"parameters\""].map {
            text.range(of: $0)!.lowerBound
        }
        #expect(keys == keys.sorted())
        #expect(text.hasSuffix("}\n") && text.contains("\n  \"enabled\" : true"))
        #expect(try JSON.decode(Configuration.self, from: first) == sample)
    }

    @Test(
        "decoding errors name the JSON path and what was expected",
        arguments: [
            (
                #"{"parameters": {"membraneCapacitance": "big", "name": "a"}, "layers": [], "enabled": true}"#,
                "parameters.membraneCapacitance: expected a number"
            ),
            (
                #"{"parameters": {"name": "a"}, "layers": [], "enabled": true}"#,
                "parameters.membraneCapacitance: missing key"
            ),
            (
                #"{"parameters": {"membraneCapacitance": 1, "name": "a"}, "layers": [{"membraneCapacitance": 1, "name": 3}], "enabled": true}"#,
                "layers[0].name: expected a string"
            ),
            (
                #"{"parameters": {"membraneCapacitance": 1, "name": "a"}, "layers": [], "enabled": null}"#,
                "enabled: expected true or false"
            ),
        ])
    func decodingErrors(json: String, message: String) {
        let error = #expect(throws: IOError.self) {
            try JSON.decode(Configuration.self, from: Data(json.utf8), source: "c.json")
        }
        // Foundation may add what it found ("..., found a string"); the path and the expected
        // type are ours.
        #expect(
            error?.description.hasPrefix("c.json: " + message) == true,
            "\(String(describing: error))")
    }

    @Test(
        "a fraction where a whole number is expected is named as such, with the file's non-whole numbers, not as invalid JSON"
    )
    func numberMismatch() {
        struct Counts: Decodable {
            var repetitions: Int
            var sizes: [UInt8]
            var scale: Double
        }
        func message(_ text: String) -> String? {
            errorText { try JSON.decode(Counts.self, from: Data(text.utf8), source: "c.json") }
        }
        let lead =
            "c.json: (top level): a number does not fit the type its key expects (a fraction, or "
            + "out of range, where a whole number is expected)"
        #expect(
            message(#"{"repetitions": 1.5, "sizes": [1], "scale": 0.5}"#)
                == lead + "; numbers in the file that are not whole: repetitions = 1.5, scale = 0.5"
        )
        #expect(
            message(#"{"repetitions": 1, "sizes": [2, 2.5], "scale": 1}"#)
                == lead + "; numbers in the file that are not whole: sizes[1] = 2.5")
        // The shallowest first: a result file's measured fractions do not hide an edited
        // version (a calibration file with "version": 1.5 named three other numbers).
        struct Versioned: Decodable {
            var after: [String: [Double]]
            var version: Int
        }
        #expect(
            errorText {
                try JSON.decode(
                    Versioned.self,
                    from: Data(
                        #"{"after": {"a": [0.5, 0.25], "b": [0.75, 1.5]}, "version": 1.5}"#.utf8))
            }?.hasSuffix(
                "numbers in the file that are not whole: version = 1.5, after.a[0] = 0.5, after.a[1] = 0.25, …"
            )
                == true)
        // Out of range for a byte: no fraction to name.
        #expect(message(#"{"repetitions": 1, "sizes": [300], "scale": 1}"#) == lead)
        // Other errors keep their own account.
        #expect(
            message(#"{"repetitions": "x", "sizes": [], "scale": 1}"#)?
                .hasPrefix("c.json: repetitions: expected") == true)
        #expect(message(#"{"repetitions": 2, "sizes": [], "scale": 1}"#) == nil)
    }

    @Test("syntax errors and NaN give one-line errors instead of crashes")
    func syntaxAndNaN() {
        let error = #expect(throws: IOError.self) {
            try JSON.decode(Configuration.self, from: Data("{\"parameters\": ".utf8))
        }
        #expect(error?.description.contains("parameters: not valid JSON") == true)
        #expect(error?.description.contains("\n") == false)
        #expect(throws: IOError.self) {
            try JSON.encode(Parameters(membraneCapacitance: .nan, name: "x"))
        }
    }

    @Test("write then read through a file round-trips")
    func fileRoundTrip() throws {
        let directory = try TemporaryDirectory()
        try JSON.write(sample, to: directory.file("c/config.json"), createParents: true)
        #expect(try JSON.read(Configuration.self, path: directory.file("c/config.json")) == sample)
    }
}
