import Foundation
import Testing

@testable import HXIO

@Suite("Markdown and CSV tables")
struct TableTests {
    func sample() throws -> Table {
        try Table(
            header: ["model", "accuracy", "trials"],
            rows: [["mlp | small", 0.98765, 10], ["conv, big", .number(-0.00001), 200]])
    }

    @Test("Markdown columns are padded; numbers right-aligned with the given precision")
    func markdown() throws {
        let expected = """
            | model        | accuracy | trials |
            | ------------ | -------: | -----: |
            | mlp \\| small |    0.988 |     10 |
            | conv, big    |    0.000 |    200 |

            """
        #expect(try sample().markdown(precision: 3) == expected)
    }

    @Test("CSV quotes fields with commas and keeps full precision by default")
    func csv() throws {
        #expect(
            try sample().csv()
                == "model,accuracy,trials\nmlp | small,0.98765,10\n\"conv, big\",-1e-05,200\n")
        #expect(try sample().csv(precision: 2).contains("mlp | small,0.99,10"))
    }

    @Test("rows of the wrong width are rejected")
    func width() throws {
        var table = try sample()
        #expect(throws: IOError.self) { try table.append(["only one"]) }
        #expect(TableCell.number(.nan).formatted(precision: 2) == "NaN")
        #expect(TableCell.missing.formatted(precision: 2) == "")
    }
}
