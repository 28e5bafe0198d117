import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXIO

/// Issue 12, item 1: the chunked reader reads exactly what the whole-file readers read, the
/// chunked writer writes exactly their bytes, and a memory plan refuses what cannot fit.
@Suite("Streaming matrix files")
struct StreamingTests {
    /// A 37 × 5 matrix of mixed values, with a comment and CRLF line ends in the CSV.
    func sample() throws -> Matrix<Double> {
        let storage = (0..<185).map { (index: Int) -> Double in
            let quarter: Double = index % 4 == 0 ? 0.25 : 0
            return Double(index % 13) - 6 + quarter
        }
        return try Matrix(rows: 37, columns: 5, storage: storage)
    }

    func files(_ directory: TemporaryDirectory, _ matrix: Matrix<Double>) throws -> [String] {
        let csvText =
            "# header comment\r\n"
            + (try CSV.format(matrix)).replacingOccurrences(of: "\n", with: "\r\n")
        let csv = directory.file("m.csv")
        try FileIO.writeAtomically(csvText, to: csv)
        let gz = directory.file("m.csv.gz")
        try FileIO.writeAtomically(try Gzip.compress(Data(csvText.utf8)), to: gz)
        let npy = directory.file("m.npy")
        try NumPy.write(matrix, to: npy)
        let npyGz = directory.file("m.npy.gz")
        try FileIO.writeAtomically(try Gzip.compress(NumPy.encode(matrix)), to: npyGz)
        // Two concatenated gzip members read as one stream.
        let members = directory.file("two.csv.gz")
        let half = csvText.utf8.count / 2
        let bytes = Array(csvText.utf8)
        let first = try Gzip.compress(Data(bytes[..<half]))
        let second = try Gzip.compress(Data(bytes[half...]))
        try FileIO.writeAtomically(first + second + Data(repeating: 0, count: 5), to: members)
        return [csv, gz, npy, npyGz, members]
    }

    @Test("chunks of any size join to the whole-file reader's matrix", arguments: [1, 4, 37, 1000])
    func readerMatchesWholeFile(chunk: Int) throws {
        let directory = try TemporaryDirectory()
        let matrix = try sample()
        for path in try files(directory, matrix) {
            let reader = try MatrixReader(path: path)
            var rows: [Double] = []
            var chunks = 0
            while let part = try reader.next(maxRows: chunk) {
                #expect(part.rows <= chunk && part.columns == 5)
                rows += part.storage
                chunks += 1
            }
            #expect(rows == matrix.storage, "\(path)")
            #expect(chunks == (37 + chunk - 1) / chunk)
            #expect(reader.rowsRead == 37 && reader.columns == 5)
            #expect(try readMatrix(path: path) == matrix)
            #expect(reader.fractionRead == 1)
        }
    }

    @Test("the reader refuses what the whole-file readers refuse, naming the row in the file")
    func readerErrors() throws {
        let directory = try TemporaryDirectory()
        let ragged = directory.file("r.csv")
        try FileIO.writeAtomically("1,2\n3,4\n5\n", to: ragged)
        #expect(throws: IOError.raggedRow(source: ragged, line: 3, expected: 2, got: 1)) {
            let reader = try MatrixReader(path: ragged)
            while try reader.next(maxRows: 2) != nil {}
        }
        let matrix = try Matrix(rows: 3, columns: 2, storage: [1, 2, 3, .nan, 5, 6])
        let npy = directory.file("n.npy")
        try NumPy.write(matrix, to: npy)
        // NaN is not equal to itself, so the error is compared by its text.
        let nan = #expect(throws: IOError.self) {
            let reader = try MatrixReader(path: npy)
            while try reader.next(maxRows: 1) != nil {}
        }
        #expect(
            nan?.description
                == IOError.nonFiniteElement(source: npy, row: 1, column: 1, value: .nan).description
        )
        var bytes = NumPy.encode(try Matrix(rows: 2, columns: 2, storage: [1.0, 2, 3, 4]))
        bytes.append(contentsOf: [0, 0, 0])
        let long = directory.file("long.npy")
        try FileIO.writeAtomically(bytes, to: long)
        #expect(throws: IOError.sizeMismatch(source: long, expectedBytes: 32, gotBytes: 35)) {
            let reader = try MatrixReader(path: long)
            while try reader.next(maxRows: 1) != nil {}
        }
        let short = directory.file("short.npy")
        try FileIO.writeAtomically(bytes.prefix(bytes.count - 12), to: short)
        #expect(
            throws: IOError.truncated(source: short, what: "data", expectedBytes: 32, gotBytes: 23)
        ) {
            let reader = try MatrixReader(path: short)
            while try reader.next(maxRows: 1) != nil {}
        }
        #expect(
            throws: IOError.unsupportedExtension(
                path: "x.txt", supported: MatrixFileFormat.readableExtensions)
        ) {
            try MatrixReader(path: "x.txt")
        }
    }

    @Test("a Fortran-order .npy streams as its row-major matrix")
    func fortranOrder() throws {
        let directory = try TemporaryDirectory()
        // Column-major data of [[1, 2, 3], [4, 5, 6]].
        var header = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }"
        header += String(repeating: " ", count: 64 - (10 + header.utf8.count + 1) % 64) + "\n"
        var bytes = NumPy.magic + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
        for value in [1.0, 4, 2, 5, 3, 6] {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
        }
        let path = directory.file("f.npy")
        try FileIO.writeAtomically(Data(bytes), to: path)
        let reader = try MatrixReader(path: path)
        #expect(try reader.next(maxRows: 1)?.storage == [1, 2, 3])
        #expect(try reader.next(maxRows: 5)?.storage == [4, 5, 6])
        #expect(try reader.next(maxRows: 5) == nil)
    }

    @Test("written in chunks, CSV and .npy are the bytes of the whole-matrix writers")
    func writerMatchesWholeMatrix() throws {
        let directory = try TemporaryDirectory()
        let matrix = try Matrix(
            rows: 9, columns: 4, storage: (0..<36).map { Int8($0 * 7 % 255 - 127) })
        for name in ["o.csv", "o.npy", "o.csv.gz", "o.npy.gz", "o.CSV"] {
            let path = directory.file(name)
            let writer = try MatrixWriter<Int8>(target: try OutputTarget.file(path))
            for start in stride(from: 0, to: 9, by: 4) {
                try writer.append(matrix.slice(rows: start..<min(9, start + 4), columns: 0..<4))
            }
            #expect(
                !FileManager.default.fileExists(atPath: path), "nothing at the target before finish"
            )
            try writer.finish()
            let written = try FileIO.read(path: path)
            let plain = name.hasSuffix(".gz") ? try Gzip.decompress(written) : written
            if name.contains(".npy") {
                #expect(try NumPy.decodeMatrix(plain) == matrix.map { Double($0) })
            } else {
                #expect(String(decoding: plain, as: UTF8.self) == (try CSV.format(matrix)))
            }
        }
        // Only the targets remain: no temporary files.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 5)
    }

    @Test("a writer released without finish leaves the old file and no temporary")
    func abandonedWriter() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("keep.csv")
        try FileIO.writeAtomically("old\n", to: path)
        do {
            let writer = try MatrixWriter<Int>(target: try OutputTarget.file(path))
            try writer.append(try Matrix([[1, 2]]))
        }
        #expect(try FileIO.readText(path: path) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["keep.csv"])
    }

    @Test("standard output gets CSV in blocks, whatever the name")
    func standardOutputWriter() throws {
        let collected = Collected()
        let writer = try MatrixWriter<Int>(target: try OutputTarget.file("-")) {
            collected.append($0)
        }
        try writer.append(try Matrix([[1, -2], [3, 4]]))
        try writer.append(try Matrix([[-5, 6]]))
        try writer.finish()
        #expect(collected.text == "1,-2\n3,4\n-5,6\n")
    }

    @Test("the writer hands its bytes on in blocks as it goes, not all at the end")
    func writerFlushes() throws {
        let collected = Collected()
        let writer = try MatrixWriter<Int8>(target: try OutputTarget.file("-")) {
            collected.append($0)
        }
        // 1100 rows of 512 values of "-100,": about 2.8 MB of text.
        let chunk = Matrix<Int8>(rows: 100, columns: 512, repeating: -100)
        for _ in 0..<11 { try writer.append(chunk) }
        let beforeFinish = collected.text.utf8.count
        #expect(beforeFinish >= 1 << 20, "nothing was written before finish: the rows piled up")
        try writer.finish()
        #expect(collected.text.utf8.count == 1100 * (512 * 5))
    }

    @Test("a run of chunks reads, transforms and writes every row once, in order")
    func streamingRun() throws {
        let directory = try TemporaryDirectory()
        let input = directory.file("in.csv")
        try CSV.write(try Matrix(rows: 10, columns: 2, storage: (0..<20).map { $0 }), to: input)
        let output = directory.file("out.csv")
        var firstRows: [Int] = []
        let summary = try StreamingRun.run(
            reader: try MatrixReader(path: input),
            writer: try MatrixWriter<Int>(target: try OutputTarget.file(output)), chunkRows: 3
        ) { chunk, firstRow in
            firstRows.append(firstRow)
            return chunk.map { Int($0) * 2 }
        }
        #expect(summary == StreamingRun.Summary(rows: 10, chunks: 4))
        #expect(firstRows == [0, 3, 6, 9])
        #expect(try readMatrix(path: output).storage == (0..<20).map { Double(2 * $0) })
    }

    @Test(
        "progress of a small CSV read whole gives the rate, not 100 % and ETA 00:00, while rows remain"
    )
    func progressOfBufferedCSV() throws {
        let directory = try TemporaryDirectory()
        let input = directory.file("x.csv")
        try FileIO.writeAtomically((0..<6).map { "\($0),1\n" }.joined(), to: input)
        let lines = Recorded<String>()
        let ticks = Recorded<Void>()
        _ = try StreamingRun.run(
            reader: try MatrixReader(path: input),
            writer: try MatrixWriter<Int>(target: try OutputTarget.file(directory.file("y.csv"))),
            // Every reading of the clock is a second later: a line after every chunk.
            chunkRows: 2, progress: { lines.append($0) }, interval: 1,
            clock: { Double(ticks.append(())) }
        ) { chunk, _ in chunk.map { Int($0) } }
        let seen = lines.values
        #expect(
            seen == [
                "rows: 2 rows (1.00 rows/s)\n", "rows: 4 rows (1.00 rows/s)\n",
                "rows: 6 rows (100 %, 1.00 rows/s, ETA 00:00)\n",
                "rows: 6 rows (0.857 rows/s, took 00:07)\n",
            ])
        // The share and ETA of a .npy (its header states the rows) still show.
        let npy = directory.file("x.npy")
        try NumPy.write(
            try Matrix(rows: 6, columns: 2, storage: (0..<12).map(Double.init)), to: npy)
        let reader = try MatrixReader(path: npy)
        _ = try reader.next(maxRows: 2)
        #expect(
            StreamingRun.line("rows", rows: 2, reader: reader, elapsed: 2, more: true)
                == "rows: 2 rows (33 %, 1.00 rows/s, ETA 00:04)\n")
    }

    @Test(
        "a memory plan fits the budget, and refuses a budget or a machine too small, with the numbers"
    )
    func memoryPlan() throws {
        let plan = try MemoryPlan(
            budgetBytes: 100_000_000, fixedBytes: 20_000_000, bytesPerRow: 10_000,
            maximumChunkRows: 4096, baselineBytes: 30_000_000, availableBytes: nil, what: "test")
        #expect(plan.chunkRows == 4096 && plan.estimatedPeakBytes <= 100_000_000)
        let tight = try MemoryPlan(
            budgetBytes: 60_000_000, fixedBytes: 20_000_000, bytesPerRow: 10_000,
            maximumChunkRows: 4096, baselineBytes: 30_000_000, availableBytes: nil, what: "test")
        #expect(tight.chunkRows == 1000 && tight.estimatedPeakBytes == 60_000_000)
        let granular = try MemoryPlan(
            budgetBytes: 60_000_000, fixedBytes: 20_000_000, bytesPerRow: 10_000,
            maximumChunkRows: 4096, minimumChunkRows: 256, granularity: 128,
            baselineBytes: 30_000_000, availableBytes: nil, what: "test")
        #expect(granular.chunkRows == 896)
        #expect(
            throws: MemoryPlanError.budgetTooSmall(
                what: "test", budgetBytes: 40_000_000, neededBytes: 50_160_000,
                baselineBytes: 30_000_000, fixedBytes: 20_000_000, bytesPerRow: 10_000)
        ) {
            try MemoryPlan(
                budgetBytes: 40_000_000, fixedBytes: 20_000_000, bytesPerRow: 10_000,
                maximumChunkRows: 4096, baselineBytes: 30_000_000, availableBytes: nil,
                what: "test")
        }
        #expect(throws: MemoryPlanError.self) {
            try MemoryPlan(
                budgetBytes: 100_000_000_000, fixedBytes: 20_000_000, bytesPerRow: 10_000,
                maximumChunkRows: 4096, baselineBytes: 30_000_000, availableBytes: 10_000_000,
                what: "test")
        }
        #expect(
            MemoryPlanError.insufficientMemory(
                what: "vmm", neededBytes: 2_500_000_000, availableBytes: 1_000_000_000
            )
            .description
                == "vmm: needs about 2500 MB more memory, but the machine has only 1000 MB available; "
                + "free memory or run on a larger machine")
        #expect((ProcessMemory.residentBytes ?? 0) > 1_000_000)
        #expect((ProcessMemory.availableBytes ?? 0) > 0)
    }
}
