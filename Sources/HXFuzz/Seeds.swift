import Foundation
import HXIO
import HXNetwork
import HXNumerics
import HXPhysics
import HXSweep

/// Valid inputs of every format, made by HXSim's own writers (and, where a writer needs a long
/// computation, read from the files committed to the repository), and tokens worth inserting.
public enum Seeds {
    /// The repository's root, from this file's place in it.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A file of the repository, or nil where it is absent (an installed copy).
    static func repositoryFile(_ path: String) -> Data? {
        try? FileIO.read(path: repository.appendingPathComponent(path).path)
    }

    static var matrices: [Matrix<Double>] {
        [
            Matrix(rows: 1, columns: 1, repeating: 7),
            (try? Matrix([[0, 31, 15.5], [-63, 63, 1e-3]]))
                ?? Matrix(rows: 1, columns: 1, repeating: 0),
            (try? Matrix(rows: 6, columns: 4, storage: (0..<24).map { Double($0 % 32) }))
                ?? Matrix(rows: 1, columns: 1, repeating: 0),
        ]
    }

    public static var csv: [Data] {
        var seeds = matrices.compactMap { try? CSV.format($0) }.map { Data($0.utf8) }
        seeds.append(Data("# weights\n\n 1, 2.5 ,-3\r\n\t4,5e-1, 6 \n# end\n".utf8))
        seeds.append(Data("0,1,2,3\n4,5,6,7\n8,9,10,11\n12,13,14,15\n16,17,18,19\n".utf8))
        return seeds
    }

    public static var npy: [Data] {
        var seeds = matrices.map { NumPy.encode($0) }
        seeds.append(NumPy.encode(Matrix<Int8>(rows: 3, columns: 5, repeating: -3)))
        seeds.append(NumPy.encode(Matrix<Float>(rows: 2, columns: 2, repeating: 0.5)))
        seeds.append(NumPy.encode(Matrix<Int64>(rows: 4, columns: 1, repeating: 1 << 40)))
        // Big-endian doubles 1…6 in column-major order, six 16-bit integers, one boolean.
        var bigEndian: [UInt8] = []
        for value in [1.0, 4, 2, 5, 3, 6] {
            withUnsafeBytes(of: value.bitPattern.bigEndian) { bigEndian += $0 }
        }
        seeds.append(
            npy(
                header: "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }",
                data: bigEndian))
        seeds.append(
            npy(
                header: "{'descr': '<i2', 'fortran_order': False, 'shape': (6,), }",
                data: [1, 0, 255, 255, 7, 0, 0, 128, 255, 127, 3, 0]))
        seeds.append(
            npy(header: "{'descr': '|b1', 'fortran_order': False, 'shape': (), }", data: [1]))
        return seeds
    }

    /// A version 1.0 `.npy` with `header` and `data`.
    static func npy(header: String, data: [UInt8]) -> Data {
        let padded =
            header + String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64)
            + "\n"
        let length = padded.utf8.count
        var bytes = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(padded.utf8)
        bytes += data
        return Data(bytes)
    }

    public static var gzip: [Data] {
        var seeds = csv.compactMap { try? Gzip.compress($0) }
        // Two members (one file cut in two) and zero padding: both are gzip as tools write it.
        let text = csv[csv.count - 1]
        let half = text.count / 2
        if let first = try? Gzip.compress(text.prefix(half)),
            let second = try? Gzip.compress(text.suffix(from: half))
        {
            seeds += [first + second, first + second + Data(repeating: 0, count: 8)]
        }
        return seeds
    }

    public static var parameters: [Data] {
        var changed = PhysicsParameters()
        changed.readNoise = 0.5
        changed.otaSaturates = false
        return [
            PhysicsParameters().jsonData(), changed.jsonData(),
            Data(
                #"{"format": "hxsim-physics-parameters", "version": 1, "parameters": {"readNoise": 1.2}}"#
                    .utf8),
        ]
    }

    public static var json: [Data] {
        parameters + sweepSpecs.prefix(1) + [
            Data(#"[1, -2.5e-3, "a\u00e9\n", true, null, {"k": []}]"#.utf8)
        ]
    }

    /// The calibration result committed to the repository (96 KB; a calibration takes too long
    /// to make one here).
    public static var calibration: [Data] {
        repositoryFile("calibration/chip-1.json").map { [$0] } ?? []
    }

    public static var sweepSpecs: [Data] {
        var seeds = ["noise", "numsends", "reference"].compactMap {
            repositoryFile("benchmarks/sweeps/\($0).json")
        }
        if let spec = try? JSON.encode(exampleSpec) { seeds.append(spec) }
        return seeds
    }

    static var exampleSpec: SweepSpec {
        SweepSpec(
            name: "fuzz", model: "model.json",
            dataset: DatasetSpec(kind: "yinyang", size: 60, seed: 40, inputScale: 31),
            seed: 7, repetitions: 2, base: ["backend": .text("physics")],
            axes: [
                AxisSpec("scale:noise", values: [.number(0), .number(1)]),
                AxisSpec("numSends", range: RangeSpec(from: 1, to: 4, steps: 4)),
            ])
    }

    public static var models: [Data] {
        var seeds: [Data] = []
        if let first = try? Linear(inFeatures: 4, outFeatures: 6, seed: 1),
            let relu = try? ConvertingReLU(shift: 1),
            let second = try? Linear(inFeatures: 6, outFeatures: 3, avg: 2, seed: 2),
            let encoded = try? ModelFile.encode(Sequential(first, relu, second))
        {
            seeds.append(encoded)
        }
        if let model = repositoryFile("benchmarks/sweeps/models/yinyang-software.json") {
            seeds.append(model)
        }
        return seeds
    }

    public static var results: [Data] {
        var seeds: [Data] = []
        if let plan = try? SweepPlan(spec: exampleSpec) {
            var lines = Data()
            for point in plan.points.prefix(3) {
                let record = SweepRecord(
                    sweep: "fuzz", specHash: String(repeating: "ab", count: 32), point: point,
                    pointCount: plan.points.count,
                    result: PointResult(accuracies: [0.9, 0.85], samples: 60), wallSeconds: 1.5)
                if let line = try? record.sealed().line() { lines.append(line) }
            }
            seeds.append(lines)
        }
        if let committed = repositoryFile("benchmarks/sweeps/reference.results.jsonl") {
            seeds.append(committed)
        }
        return seeds
    }

    /// Tokens for every target: separators, quotes, control bytes.
    static let commonTokens: [Data] = [
        "\u{0}", "\n", "\r\n", ",", "\"", "'", " ", "\\", "{", "}", "[", "]", ":", "#", "\u{FF}",
        "\u{7F}", "é", "\u{1F600}",
    ].map { Data($0.utf8) }

    /// Numbers that break readers that are not careful.
    public static let numberTokens = [
        "0x1F", "0x1.8p1", "1e999", "-1e999", "1e-999", "nan", "-inf", "infinity", "NaN",
        "99999999999999999999", "-9223372036854775809", "-0", ".5", "1.", "1e", "+-1", "0b1",
        "1_000", "３", "32", "-64", "1,", ",,", "8\u{0}junk",
    ]

    /// Header pieces of `.npy` files.
    public static let npyTokens = [
        "(0, 8)", "(8, 0)", "(99999999999, 99999999999)", "(1, 2, 3)", "()", "(3,)",
        "'fortran_order': True", "'descr': '<f4'", "'descr': '>i8'", "'descr': '|b1'",
        "'descr': '<c16'", "'descr': [('a', '<f8')]", "'shape': (2, 3), 'shape': (3, 2)", "L",
        "\u{93}NUMPY\u{2}\u{0}", "\u{93}NUMPY\u{3}\u{0}",
    ]

    /// JSON pieces: duplicate keys, huge numbers, deep nesting, odd literals.
    public static let jsonTokens = [
        "\"readNoise\": -5, ", "\"format\": \"other\", ", "1e999", "-1e999", "NaN", "null",
        "true", "[[[[[[[[[[[[[[[[", "]]]]]]]]", "{\"a\":{\"a\":{\"a\":", "\"\\ud800\"",
        "\"\\u0000\"", "18446744073709551616", "-1", "0", "1e308", "4.9e-324", "\"\"",
        "\"steps\": 1000000", "\"count\": 9999999", "\"checksum\": \"\", ", ",",
    ]
}
