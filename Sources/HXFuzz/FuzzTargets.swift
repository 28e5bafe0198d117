import Foundation
import HXCalibration
import HXIO
import HXNetwork
import HXNumerics
import HXPhysics
import HXSweep

/// Every parser of an input file HXSim reads, as fuzz targets.
public enum FuzzTargets {
    /// The targets, one line each.
    public static var all: [FuzzTarget] {
        [
            FuzzTarget("csv", seeds: Seeds.csv, tokens: Seeds.numberTokens, parse: csv),
            FuzzTarget(
                "csv-stream", seeds: Seeds.csv, tokens: Seeds.numberTokens, parse: csvStream),
            FuzzTarget("npy", seeds: Seeds.npy, tokens: Seeds.npyTokens, parse: npy),
            FuzzTarget("gzip", seeds: Seeds.gzip, parse: gzip),
            FuzzTarget("csv.gz-stream", seeds: Seeds.gzip, parse: csvGzipStream),
            FuzzTarget("json", seeds: Seeds.json, tokens: Seeds.jsonTokens) {
                _ = try StrictJSON.parse($0, source: "fuzz.json")
            },
            FuzzTarget("parameters", seeds: Seeds.parameters, tokens: Seeds.jsonTokens) {
                _ = try PhysicsParameters(json: $0, source: "fuzz.json")
            },
            FuzzTarget("calibration", seeds: Seeds.calibration, tokens: Seeds.jsonTokens) {
                _ = try CalibrationResult(json: $0, source: "fuzz.json")
            },
            FuzzTarget("sweep-spec", seeds: Seeds.sweepSpecs, tokens: Seeds.jsonTokens) {
                _ = try SweepPlan(spec: SweepSpec.decode($0, source: "fuzz.json"))
            },
            FuzzTarget("model", seeds: Seeds.models, tokens: Seeds.jsonTokens) {
                _ = try ModelFile.decode($0, source: "fuzz.json")
            },
            FuzzTarget("results", seeds: Seeds.results, tokens: Seeds.jsonTokens) {
                _ = try SweepResults.decode($0, source: "fuzz.jsonl", requireChecksums: false)
            },
        ]
    }

    /// The limits the matrix targets read with: small, so that a mutated size cannot make a
    /// case slow, and large enough for every seed.
    static let limits = ReadLimits(
        maxFileBytes: 8 << 20, maxExpandedBytes: 8 << 20, maxCompressionRatio: 500,
        maxLineBytes: 1 << 20)

    @Sendable static func csv(_ data: Data) throws {
        _ = try CSV.parse(data, source: "fuzz.csv", limits: limits)
    }

    /// The streaming reader must accept what the whole-file reader accepts, with the same
    /// values, and refuse what it refuses.
    @Sendable static func csvStream(_ data: Data) throws {
        try compare(data, format: MatrixFileFormat(path: "f.csv")) {
            try CSV.parse(data, source: "fuzz.csv", limits: limits).matrix
        }
    }

    @Sendable static func npy(_ data: Data) throws {
        try compare(data, format: MatrixFileFormat(path: "f.npy")) {
            try NumPy.decodeMatrix(data, source: "fuzz.npy")
        }
    }

    @Sendable static func gzip(_ data: Data) throws {
        _ = try Gzip.decompress(data, source: "fuzz.gz", limits: limits)
    }

    @Sendable static func csvGzipStream(_ data: Data) throws {
        try compare(data, format: MatrixFileFormat(path: "f.csv.gz")) {
            try CSV.parse(
                Gzip.decompress(data, source: "fuzz.gz", limits: limits), source: "fuzz.csv",
                limits: limits
            ).matrix
        }
    }

    /// Reads `data` in chunks of 3 rows and whole; both must fail or give the same matrix.
    static func compare(
        _ data: Data, format: MatrixFileFormat, whole: () throws -> Matrix<Double>
    ) throws {
        let expected = Result { try whole() }
        let streamed = Result {
            let reader = try MatrixReader(
                data: data, format: format, source: "fuzz", limits: limits)
            var storage: [Double] = []
            var columns = 0
            while let chunk = try reader.next(maxRows: 3) {
                storage += chunk.storage
                columns = chunk.columns
            }
            return try Matrix(
                rows: storage.count / max(columns, 1), columns: columns, storage: storage)
        }
        switch (expected, streamed) {
        case (.success(let a), .success(let b)):
            guard a.shape == b.shape,
                zip(a.storage, b.storage).allSatisfy({ $0.bitPattern == $1.bitPattern })
            else {
                throw FuzzFinding(
                    "the streaming reader read other values than the whole-file reader")
            }
        case (.failure, .failure):
            throw ParseRefused()
        case (.success, .failure(let error)):
            throw FuzzFinding("only the streaming reader refused the input: \(error)")
        case (.failure(let error), .success):
            throw FuzzFinding("only the whole-file reader refused the input: \(error)")
        }
    }
}

/// Both readers refused the input, as they should for most mutations.
struct ParseRefused: Error {}
