import Foundation
import HXPhysics
import Testing

@testable import HXSweep

@Suite("Plans, points and shards")
struct PlanTests {
    let axes = [
        AxisSpec("scale:noise", range: RangeSpec(from: 0, to: 4, steps: 5)),
        AxisSpec("calibration", values: [.text("off"), .flag(true)]),
        AxisSpec("seed", values: [.number(1), .number(2), .number(3)]),
    ]

    @Test("the grid is the Cartesian product, first axis slowest, keys canonical and distinct")
    func grid() throws {
        let plan = try SweepPlan(spec: testSpec(axes: axes))
        #expect(plan.points.count == 5 * 2 * 3)
        #expect(plan.points.map(\.index) == Array(0..<30))
        #expect(plan.points[0].key == #"{"calibration":"off","scale:noise":0,"seed":1}"#)
        #expect(plan.points[1].key == #"{"calibration":"off","scale:noise":0,"seed":2}"#)
        // true was written for calibration: its canonical form is "on".
        #expect(plan.points[3].coordinates["calibration"] == .text("on"))
        #expect(plan.points[29].key == #"{"calibration":"on","scale:noise":4,"seed":3}"#)
        #expect(Set(plan.points.map(\.key)).count == 30)
        // Range ends are exact; interior values equally spaced.
        #expect(plan.axes[0].values == [0, 1, 2, 3, 4].map { SweepValue.number($0) })
    }

    @Test("log ranges keep exact ends; integer axes round log ranges and refuse uneven linear ones")
    func ranges() throws {
        let log = try RangeSpec(from: 1e-3, to: 1e-1, steps: 3, spacing: .log).values(axis: "a")
        #expect(log.first == 1e-3 && log.last == 1e-1)
        #expect(abs(log[1] - 1e-2) < 1e-15)
        let sends = try SweepAxis(
            AxisSpec("numSends", range: RangeSpec(from: 1, to: 16, steps: 5, spacing: .log)))
        #expect(sends.values == [1, 2, 4, 8, 16].map { SweepValue.number($0) })
        // JSON cannot hold infinities, but a spec built in code can.
        #expect(
            throws: SweepError.badRange(axis: "a", reason: "from and to must be finite numbers")
        ) {
            try RangeSpec(from: 0, to: .infinity, steps: 3).values(axis: "a")
        }
        let linear = try SweepAxis(AxisSpec("seed", range: RangeSpec(from: 1, to: 7, steps: 4)))
        #expect(linear.values == [1, 3, 5, 7].map { SweepValue.number($0) })
    }

    @Test("random sampling draws distinct grid points, reproducibly from its seed")
    func randomSampling() throws {
        let random = SamplingSpec(mode: .random, count: 10, seed: 11)
        let first = try SweepPlan(spec: testSpec(axes: axes, sampling: random))
        let again = try SweepPlan(spec: testSpec(axes: axes, sampling: random))
        let other = try SweepPlan(
            spec: testSpec(axes: axes, sampling: SamplingSpec(mode: .random, count: 10, seed: 12)))
        let grid = try SweepPlan(spec: testSpec(axes: axes))
        #expect(first.points.count == 10)
        #expect(Set(first.points.map(\.key)).count == 10)
        #expect(Set(first.points.map(\.key)).isSubset(of: Set(grid.points.map(\.key))))
        #expect(first.points == again.points)
        #expect(first.points.map(\.key) != other.points.map(\.key))
        // Listed in grid order.
        let gridOrder = grid.points.map(\.key)
        let positions = first.points.map { gridOrder.firstIndex(of: $0.key)! }
        #expect(positions == positions.sorted())
        // Drawing every point is a permutation of the grid.
        let all = SweepPlan.sampleWithoutReplacement(count: 30, from: 30, key: 5)
        #expect(all == Array(0..<30))
        #expect(throws: SweepError.self) {
            try SweepPlan(
                spec: testSpec(axes: axes, sampling: SamplingSpec(mode: .random, count: 31)))
        }
    }

    @Test(
        "shards 0/n … (n−1)/n are disjoint and together hold every point", arguments: [1, 2, 3, 7])
    func shardsPartition(count: Int) throws {
        let plan = try SweepPlan(spec: testSpec(axes: axes))
        let shares = try (0..<count).map { try plan.points(in: Shard(index: $0, count: count)) }
        let all = shares.flatMap { $0.map(\.index) }
        #expect(all.count == plan.points.count)
        #expect(Set(all) == Set(0..<plan.points.count))
        #expect(shares.map(\.count).max()! - shares.map(\.count).min()! <= 1)
    }

    @Test("shards parse from i/n and from SLURM job-array variables")
    func shardParsing() throws {
        #expect(try Shard(parsing: "1/4") == Shard(index: 1, count: 4))
        #expect(throws: SweepError.shardOutOfRange(index: 4, count: 4)) {
            try Shard(parsing: "4/4")
        }
        #expect(throws: SweepError.shardOutOfRange(index: 0, count: 0)) {
            try Shard(parsing: "0/0")
        }
        #expect(throws: SweepError.malformedShard("1-4")) { try Shard(parsing: "1-4") }
        #expect(try Shard.fromSLURM(environment: [:]) == nil)
        #expect(
            try Shard.fromSLURM(environment: [
                "SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4",
            ]) == Shard(index: 2, count: 4))
        // --array=1-4: ids 1…4 are shards 0…3.
        #expect(
            try Shard.fromSLURM(environment: [
                "SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4",
                "SLURM_ARRAY_TASK_MIN": "1",
            ]) == Shard(index: 3, count: 4))
        // --array=0-6:2: ids 0, 2, 4, 6 are shards 0…3.
        #expect(
            try Shard.fromSLURM(environment: [
                "SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_COUNT": "4",
                "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2",
            ]) == Shard(index: 3, count: 4))
        #expect(throws: SweepError.self) {
            try Shard.fromSLURM(environment: ["SLURM_ARRAY_TASK_ID": "2"])
        }
        #expect(throws: SweepError.shardOutOfRange(index: 5, count: 4)) {
            try Shard.fromSLURM(environment: [
                "SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "4",
            ])
        }
        let shard = try Shard(index: 1, count: 4)
        #expect(shard.resultsPath(for: "/r/noise.jsonl") == "/r/noise.shard-1-of-4.jsonl")
        #expect(Shard.whole.resultsPath(for: "/r/noise.jsonl") == "/r/noise.jsonl")
    }

    @Test("settings: parameters first, then scale factors on them; per-layer overrides")
    func settings() throws {
        let spec = testSpec(
            axes: [
                AxisSpec("scale:noise", values: [.number(2)]),
                AxisSpec("numSends@1", values: [.number(3)]),
            ],
            base: [
                "parameter:readNoise": .number(1.0), "numSends": .number(5), "chips": .number(2),
                "backend": .text("mock"), "mockNoise": .number(0.5),
            ])
        let plan = try SweepPlan(spec: spec)
        let settings = try plan.settings(
            for: plan.points[0], parameters: PhysicsParameters(), repetitions: 1)
        let defaults = PhysicsParameters()
        #expect(settings.parameters.readNoise == 2.0, "base 1.0 scaled by 2")
        #expect(settings.parameters.pulseJitter == 2 * defaults.pulseJitter)
        #expect(settings.parameters.driftCurrentNoise == 2 * defaults.driftCurrentNoise)
        #expect(settings.parameters.otaMismatch == defaults.otaMismatch)
        #expect(settings.numSends.value(layer: 0) == 5 && settings.numSends.value(layer: 1) == 3)
        #expect(settings.chips == 2 && settings.backend == .mock && settings.mock.noiseStd == 0.5)
        #expect(settings.calibration == false && settings.seed == 1)
        // Repetitions: the spec's, unless an axis sets them; never a base setting.
        #expect(settings.repetitions == 1)
        let repeated = try SweepPlan(
            spec: testSpec(axes: [AxisSpec("repetitions", values: [.number(1), .number(4)])]))
        #expect(
            try repeated.settings(
                for: repeated.points[1], parameters: PhysicsParameters(), repetitions: 2
            ).repetitions == 4)
        #expect(throws: SweepError.self) {
            try SweepPlan(spec: testSpec(axes: [], base: ["repetitions": .number(3)]))
        }
    }

    @Test("the back end is called hardware, as in HXNetwork; the earlier name physics reads as it")
    func backendName() throws {
        let axis = try SweepAxis(
            AxisSpec("backend", values: [.text("software"), .text("physics")]))
        #expect(axis.values == [.text("software"), .text("hardware")])
        #expect(throws: SweepError.duplicateValue(axis: "backend", value: "hardware")) {
            try SweepAxis(AxisSpec("backend", values: [.text("physics"), .text("hardware")]))
        }
        for name in ["physics", "hardware"] {
            let plan = try SweepPlan(spec: testSpec(axes: [], base: ["backend": .text(name)]))
            let settings = try plan.settings(
                for: plan.points[0], parameters: PhysicsParameters(), repetitions: 1)
            #expect(settings.backend == .hardware && plan.base["backend"] == .text("hardware"))
        }
        #expect(PointSettings().backend == .hardware)
    }

    @Test("every axis of the table is found by its name, takes its values and sets its field")
    func axisTable() throws {
        // One allowed and one refused value per axis, and the field each sets.
        let cases: [(String, SweepValue, SweepValue, (PointSettings) -> Bool)] = [
            ("seed", .number(9), .number(-1), { $0.seed == 9 }),
            ("calibration", .flag(true), .text("maybe"), { $0.calibration }),
            ("backend", .text("mock"), .text("gpu"), { $0.backend == .mock }),
            ("numSends", .number(7), .number(256), { $0.numSends == LayerOverride(all: 7) }),
            (
                "waitBetweenEvents", .number(1023), .number(0),
                { $0.waitBetweenEvents == LayerOverride(all: 1023) }
            ),
            ("chips", .number(3), .number(0), { $0.chips == 3 }),
            ("repetitions", .number(4), .number(0), { $0.repetitions == 4 }),
            ("mockGain", .number(0.01), .number(0), { $0.mock.gain == 0.01 }),
            ("mockNoise", .number(0.5), .number(-1), { $0.mock.noiseStd == 0.5 }),
            ("age", .number(3600), .number(-1), { $0.environment.age == 3600 }),
            ("temperature", .number(305), .number(100), { $0.environment.temperature == 305 }),
            (
                "recalibration", .text("on"), .text("sometimes"),
                { $0.recalibration && $0.calibrationEnvironment == $0.environment }
            ),
        ]
        #expect(cases.map(\.0) == SettingAxis.all.map(\.name))
        for (name, good, bad, check) in cases {
            let plan = try SweepPlan(spec: testSpec(axes: [AxisSpec(name, values: [good])]))
            let settings = try plan.settings(
                for: plan.points[0], parameters: PhysicsParameters(), repetitions: 1)
            #expect(check(settings), "\(name)")
            #expect(throws: SweepError.self, "\(name)") {
                try SweepAxis(AxisSpec(name, values: [bad]))
            }
            #expect(
                SweepError.unknownAxis(name: "x", suggestion: nil).description.contains(name))
        }
        // Only numSends and waitBetweenEvents take a layer list.
        #expect(
            SettingAxis.all.filter(\.perLayer).map(\.name) == ["numSends", "waitBetweenEvents"])
        #expect(throws: SweepError.unknownAxis(name: "chips@0", suggestion: "chips")) {
            try AxisKind.parse("chips@0")
        }
    }
}
