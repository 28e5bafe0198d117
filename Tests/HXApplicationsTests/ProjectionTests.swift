import Foundation
import HXNetwork
import HXNumerics
import HXPhysics
import Testing

@testable import HXApplications

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("Projected time on the real chip")
struct ProjectionTests {
    static func block(_ rows: [[UInt8]], chip: Int = 0, hemisphere: Int) throws -> HardwareBlock {
        HardwareBlock(
            placement: BlockPlacement(chip: chip, hemisphere: hemisphere),
            inputs: try Matrix(
                rows: rows.count, columns: rows[0].count, storage: rows.flatMap { $0 }),
            weights: Matrix(rows: rows[0].count, columns: 2, repeating: 1))
    }

    @Test(
        "one block: events × numSends × wait × 8 ns + 36 µs per vector (docs/SPECIFICATION.md §4)")
    func oneBlock() throws {
        let p = PhysicsParameters()
        let block = try Self.block([[1, 0, 5, 31], [0, 0, 0, 2]], hemisphere: 0)
        let call = ProjectingExecutor.project(
            [block], numSends: 3, waitBetweenEvents: 4, parameters: p)
        let expected = Double(3 + 1) * 3 * 4 * 8e-9 + 2 * 36e-6
        #expect(abs(call.seconds - expected) < 1e-15, "\(call.seconds) vs \(expected)")
        #expect(call.vectors == 2 && call.blocks == 1)
    }

    @Test(
        "hemispheres in parallel (the busier one per vector), partitions in sequence, chips in parallel"
    )
    func schedule() throws {
        let p = PhysicsParameters()
        let a = try Self.block([[1, 1, 1, 0]], hemisphere: 0)  // 3 events
        let b = try Self.block([[1, 0, 0, 0]], hemisphere: 1)  // 1 event, paired with a
        let c = try Self.block([[1, 1, 0, 0]], hemisphere: 0)  // 2 events, after a
        let d = try Self.block([[1, 1, 1, 1]], chip: 1, hemisphere: 0)  // 4 events, chip 1
        let spacing = 5 * 8e-9
        let oneChip = ProjectingExecutor.project(
            [a, b, c], numSends: 1, waitBetweenEvents: 5, parameters: p)
        #expect(abs(oneChip.seconds - ((3 + 2) * spacing + 2 * 36e-6)) < 1e-15)
        let twoChips = ProjectingExecutor.project(
            [a, b, c, d], numSends: 1, waitBetweenEvents: 5, parameters: p)
        #expect(abs(twoChips.seconds - oneChip.seconds) < 1e-15)  // chip 1 is faster
    }

    @Test("the analysis assigns calls to the VMM layers in turn and counts samples per second")
    func analysis() {
        var profile = Profile()
        profile.add(.execute, nanoseconds: 2_000_000_000)
        profile.add(.backward, nanoseconds: 1_000_000_000)
        let calls = [0.1, 0.01, 0.2, 0.02].map {
            ProjectingExecutor.Call(seconds: $0, vectors: 10, blocks: 1)
        }
        let analysis = RuntimeAnalysis(
            stage: "training", samples: 30, batches: 2, profile: profile, calls: calls,
            layers: ["Conv2d", "Linear"])
        #expect(abs(analysis.chipSeconds[0] - 0.3) < 1e-12)
        #expect(abs(analysis.chipSeconds[1] - 0.03) < 1e-12)
        #expect(abs(analysis.hostSamplesPerSecond - 10) < 1e-9)
        #expect(abs(analysis.chipSamplesPerSecond - 30 / 0.33) < 1e-9)
        let svg = RuntimeFigure.svg([analysis], title: "t")
        #expect(svg.hasPrefix("<svg") && svg.contains("simulate"))
    }

    @Test("the parts of one layer's call count for that layer, not for the layers after it")
    func partsOfOneCall() throws {
        // A Linear layer whose batch of 3,000 runs in parts of 1,024, 1,024 and 952 rows (the
        // smallest parts the fast path streams), then a second layer with its call in parts as
        // well: before, the parts were dealt to the layers in turn.
        let first = try Linear(inFeatures: 4, outFeatures: 3, bias: false, numSends: 1, seed: 1)
        let second = try Linear(inFeatures: 3, outFeatures: 2, bias: false, numSends: 1, seed: 2)
        let model = Sequential(first, second)
        let executor = ProjectingExecutor(
            try PhysicsExecutor(chipCount: 1, firstSeed: 1), parameters: PhysicsParameters())
        var context = ExecutionContext(backend: .hardware(executor), seed: 0)
        context.partRows = 1024
        let input = try Tensor(shape: [3000, 4], repeating: 31)
        _ = try model(input, context: &context)
        let calls = executor.calls
        #expect(calls.map(\.vectors) == [1024, 1024, 952, 1024, 1024, 952], "\(calls)")
        #expect(
            Set(calls[0...2].map(\.call)).count == 1 && Set(calls[3...5].map(\.call)).count == 1)
        #expect(calls[0].call != nil && calls[3].call != calls[0].call)
        let analysis = RuntimeAnalysis(
            stage: "inference", samples: 3000, batches: 1, profile: Profile(), calls: calls,
            layers: ["Linear", "Linear"])
        // Every vector of the first layer sends 4 events 5 cycles (40 ns) apart and pays the
        // chip's 36 µs per vector (docs/SPECIFICATION.md §4).
        let seconds = calls.map(\.seconds)
        #expect(abs(analysis.chipSeconds[0] - seconds[0...2].reduce(0, +)) < 1e-12)
        #expect(abs(analysis.chipSeconds[1] - seconds[3...5].reduce(0, +)) < 1e-12)
        #expect(abs(analysis.chipSeconds[0] - 3000 * (4 * 5 * 8e-9 + 36e-6)) < 1e-9)
    }

    @Test("the runtime figure is well-formed XML whatever its title and layer names hold")
    func figureEscapesText() {
        let analysis = RuntimeAnalysis(
            stage: "a < b", samples: 1, batches: 1, profile: Profile(),
            calls: [ProjectingExecutor.Call(seconds: 0.1, vectors: 1, blocks: 1)],
            layers: ["Conv2d \"x\" & 'y' > z"])
        // A control character is not allowed in XML 1.0 at all, escaped or not.
        let svg = RuntimeFigure.svg([analysis], title: "bell \u{7} & <tag>")
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        #expect(svg.contains("bell \u{FFFD} &amp; &lt;tag&gt;"))
    }
}
