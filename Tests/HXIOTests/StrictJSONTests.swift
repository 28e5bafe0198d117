import Foundation
import HXTestSupport
import Testing

@testable import HXIO

/// Issue 12, item 4: a JSON object with a key twice is refused everywhere, as is anything else
/// outside RFC 8259, with the line and column.
@Suite("Strict JSON")
struct StrictJSONTests {
    struct Settings: Codable, Equatable {
        var readNoise: Double
    }

    func parse(_ text: String) throws -> JSONValue {
        try StrictJSON.parse(Data(text.utf8), source: "s.json")
    }

    @Test("a key given twice is refused with its place, where Foundation keeps one silently")
    func duplicateKeys() throws {
        let text = "{\n  \"readNoise\": 1.2,\n  \"readNoise\": -5\n}"
        // The law behind the check: Foundation alone accepts the file.
        #expect(try JSONDecoder().decode(Settings.self, from: Data(text.utf8)).readNoise.isFinite)
        #expect(
            throws: IOError.duplicateKey(
                source: "s.json", path: "(top level)", key: "readNoise", line: 3, column: 3)
        ) { try JSON.decode(Settings.self, from: Data(text.utf8), source: "s.json") }
        // Nested, and spelled differently with an escape: still the same key.
        #expect(
            throws: IOError.duplicateKey(
                source: "s.json", path: "a[1]", key: "b", line: 1, column: 21)
        ) { try parse(#"{"a": [{}, {"b": 1, "\u0062": 2}]}"#) }
        #expect(
            IOError.duplicateKey(source: "p.json", path: "parameters", key: "x", line: 4, column: 5)
                .description
                == "p.json:4:5: object parameters has the key 'x' twice; each key may appear once")
    }

    @Test(
        "text outside RFC 8259 is refused",
        arguments: [
            "", "   ", "{\"a\": 1,}", "[1, 2,]", "{'a': 1}", "{\"a\": NaN}", "{\"a\": 01}",
            "{\"a\": 1} x", "{\"a\": .5}", "{\"a\": 1.}", "{\"a\": \"\u{01}\"}", "{\"a\": \"\\x\"}",
            "{\"a\": \"\\ud800\"}", "{\"a\": \"\\udc00x\"}", "// c\n{}", "{\"a\" 1}", "[1 2]",
            "{\"a\": tru}", "{\"a\": -}", "\"unterminated",
        ])
    func invalid(text: String) {
        #expect(throws: IOError.self) { try parse(text) }
    }

    @Test("a number beyond a Double is out of range; a tiny one is not")
    func numbers() throws {
        #expect(
            throws: IOError.numberOutOfRange(source: "s.json", line: 1, column: 15, token: "1e999")
        ) {
            try parse(#"{"readNoise": 1e999}"#)
        }
        #expect(try parse(#"{"readNoise": 1e-999}"#)["readNoise"] == .number("1e-999"))
        #expect(try parse("[18446744073709551615]") == .array([.number("18446744073709551615")]))
    }

    @Test("nesting deeper than the limit is an error, not a stack overflow")
    func depth() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: IOError.self) { try parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try parse(fine) }
    }

    @Test("strings decode escapes, surrogate pairs and UTF-8; invalid UTF-8 is refused")
    func strings() throws {
        #expect(
            try parse(#"["a\"b\\c\/\n\u00e9\ud83d\ude00é"]"#) == .array([.string("a\"b\\c/\né😀é")]))
        #expect(throws: IOError.self) {
            try StrictJSON.parse(Data([0x22, 0xC3, 0x28, 0x22]), source: "u")
        }
        #expect(
            try StrictJSON.parse(Data([0xEF, 0xBB, 0xBF] + Array("{}".utf8)), source: "bom")
                == .object([]))
    }

    @Test("unknown keys are the keys the decoded value does not encode back, at every level")
    func unknownKeys() throws {
        let original = try parse(
            #"{"a": 1, "b": {"c": 2, "typo": 3}, "d": [{"e": 1, "f": 2}], "g": null}"#)
        let known = try parse(#"{"a": 1, "b": {"c": 2}, "d": [{"e": 1}]}"#)
        #expect(StrictJSON.unknownKeys(in: original, comparedTo: known) == ["b.typo", "d[0].f"])
        #expect(StrictJSON.unknownKeys(in: known, comparedTo: known).isEmpty)
    }

    @Test("a results line with a key twice is a corrupt record naming the line")
    func jsonLines() throws {
        let (path, error) = try TemporaryDirectory().failedRead(
            ofJSONLines: "{\"readNoise\":1}\n{\"readNoise\":1,\"readNoise\":2}\n",
            as: Settings.self)
        #expect(
            error?.description
                == "\(path):2: corrupt record: column 16: the record has the key 'readNoise' twice")
    }
}
