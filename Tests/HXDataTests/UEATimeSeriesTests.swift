import Foundation
import HXIO
import HXTestSupport
import Testing

@testable import HXData

@Suite("UEA .ts time series")
struct UEATimeSeriesTests {
    /// BasicMotions in the shared data sets folder.
    static let train = "basicmotions/BasicMotions_TRAIN.ts"
    static let test = "basicmotions/BasicMotions_TEST.ts"

    let header = """
        # a comment
        @problemName Tiny
        @timeStamps false
        @missing true
        @univariate false
        @dimensions 2
        @equalLength true
        @seriesLength 3
        @classLabel true walk run sit
        @data

        """

    @Test("channels become channel-major features; classes map in sorted order")
    func parse() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "t.ts", header + "1,2,3:4,5,6:walk\n-1.5, 0 ,2e1:7,8,9:run\n")
        let data = try UEATimeSeries.load(path: path)
        #expect(data.name == "Tiny" && data.featureShape == [2, 3])
        #expect(data.classNames == ["run", "sit", "walk"])
        #expect(data.labels == [2, 0])
        #expect(data.classCounts == [1, 0, 1])
        #expect(Array(data.sample(1)) == [-1.5, 0, 20, 7, 8, 9])
    }

    @Test("missing values are errors naming line, channel and step, or filled when asked")
    func missing() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("m.ts", header + "1,2,3:4,?,6:sit\n")
        #expect(throws: DataError.missingValue(path: path, line: 11, channel: 1, step: 1)) {
            try UEATimeSeries.load(path: path)
        }
        let filled = try UEATimeSeries.load(path: path, missingValues: .fill(0))
        #expect(Array(filled.sample(0)) == [1, 2, 3, 4, 0, 6])
    }

    @Test("a file with no samples is named as a whole, not at a line 0")
    func noSamples() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("e.ts", header)
        #expect(
            errorText { try UEATimeSeries.load(path: path) } == "\(path): no samples after @data")
    }

    @Test("unknown classes, wrong lengths and bad numbers are errors")
    func errors() throws {
        let directory = try TemporaryDirectory()
        let unknown = try directory.write("u.ts", header + "1,2,3:4,5,6:swim\n")
        #expect(
            throws: DataError.invalidLabel(
                path: unknown, sample: 0, label: "swim", allowed: "one of run, sit, walk")
        ) { try UEATimeSeries.load(path: unknown) }
        let short = try directory.write("s.ts", header + "1,2,3:4,5:walk\n")
        #expect(throws: DataError.self) { try UEATimeSeries.load(path: short) }
        let bad = try directory.write("b.ts", header + "1,x,3:4,5,6:walk\n")
        #expect(throws: DataError.badValue(path: bad, line: 11, token: "x", expected: "a number")) {
            try UEATimeSeries.load(path: bad)
        }
        let empty = try directory.write("e.ts", header)
        #expect(throws: DataError.self) { try UEATimeSeries.load(path: empty) }
    }

    @Test(
        "header counts far beyond the rows are compared, never allocated; a line without values is named; CRLF reads as LF"
    )
    func damagedHeaders() throws {
        let directory = try TemporaryDirectory()
        let row = "1,2,3:4,5,6:walk\n"
        let huge = try directory.write(
            "h.ts",
            header.replacingOccurrences(of: "@dimensions 2", with: "@dimensions \(Int.max)") + row)
        #expect(
            throws: DataError.dimensionMismatch(
                path: huge, what: "line 11: dimensions", expected: [Int.max], got: [2])
        ) { try UEATimeSeries.load(path: huge) }
        let long = try directory.write(
            "l.ts",
            header.replacingOccurrences(of: "@seriesLength 3", with: "@seriesLength 1000000000")
                + row)
        #expect(
            throws: DataError.dimensionMismatch(
                path: long, what: "line 11: steps of dimension 1", expected: [1_000_000_000],
                got: [3])
        ) { try UEATimeSeries.load(path: long) }
        let bare = try directory.write(
            "b.ts", "@problemName X\n@classLabel true A B\n@data\n1,2,3\n")
        #expect(
            throws: DataError.malformed(
                path: bare, line: 4,
                reason: "no values: a sample is its dimensions' values, then ':' and its class")
        ) { try UEATimeSeries.load(path: bare) }
        let crlf = try directory.write(
            "c.ts", (header + row).replacingOccurrences(of: "\n", with: "\r\n"))
        let data = try UEATimeSeries.load(path: crlf)
        #expect(data.count == 1 && data.featureShape == [2, 3] && data.labels == [2])
        // Bytes of a damaged value are shown, not sent to the terminal.
        let nul = try directory.write("n.ts", header + "1,2\u{0}\u{0}7,3:4,5,6:walk\n")
        #expect(
            errorText { try UEATimeSeries.load(path: nul) }
                == "\(nul):11: expected a number, got '2\\u{0}\\u{0}7'")
    }

    @Test(
        "BasicMotions: 40 + 40 samples, 6 channels × 100 steps, 4 balanced classes",
        .enabled(
            if: SharedDatasets.has(Self.train, Self.test),
            Comment(rawValue: SharedDatasets.skipMessage(Self.train, Self.test))))
    func basicMotions() throws {
        let train = try UEATimeSeries.load(
            path: SharedDatasets.path(Self.train))
        let test = try UEATimeSeries.load(
            path: SharedDatasets.path(Self.test),
            classNames: train.classNames)
        #expect(train.count == 40 && test.count == 40)
        #expect(train.featureShape == [6, 100] && test.featureCount == 600)
        #expect(train.classNames == ["Badminton", "Running", "Standing", "Walking"])
        #expect(train.classCounts == [10, 10, 10, 10] && test.classCounts == [10, 10, 10, 10])
        // First test sample (read off the file): Standing; channel 0 starts -0.740653,
        // channel 1 starts 0.756509, channel 5 ends 0.02397.
        #expect(test.labels[0] == 2)
        let first = Array(test.sample(0))
        #expect(first[0] == Float("-0.740653")! && first[100] == Float("0.756509")!)
        #expect(first[599] == Float("0.02397")!)
    }
}
