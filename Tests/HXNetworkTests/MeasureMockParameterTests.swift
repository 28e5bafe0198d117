import Testing

@testable import HXNetwork

@Suite("measureMockParameter recovers the parameters of a known chip")
struct MeasureMockParameterTests {
    @Test(
        "gain within 3 % and noise within 10 % of the fake executor's, as hxtorch measures them",
        arguments: [(0.002, 2.0), (0.0015, 1.0), (0.0025, 3.0)])
    func recovers(gain: Double, noise: Double) throws {
        let truth = MockParameter(gain: gain, noiseStd: noise)
        let executor = try ReferenceExecutor(chipCount: 1, parameter: truth, seed: 11)
        let measured = try measureMockParameter(on: executor, seed: 12)
        let p = measured.parameter
        #expect(abs(p.gain / gain - 1) < 0.03, "measured gain \(p.gain), true \(gain)")
        // The floor adds uniform quantisation noise of sd 1/√12 ≈ 0.29 LSB to the analog noise.
        let expected = (noise * noise + 1.0 / 12).squareRoot()
        #expect(
            abs(p.noiseStd / expected - 1) < 0.1,
            "measured noise \(p.noiseStd), expected \(expected)")
        #expect(abs(measured.medianOutput - 63.5) < 12, "median output \(measured.medianOutput)")
        #expect(executor.callCount == 2)
    }

    @Test("the measurement is reproducible from its seed")
    func reproducible() throws {
        func run() throws -> MockMeasurement {
            try measureMockParameter(on: try ReferenceExecutor(chipCount: 1, seed: 1), seed: 2)
        }
        #expect(try run() == run())
    }

    @Test("impossible measurement settings are errors")
    func badOptions() throws {
        var options = MockMeasurementOptions()
        options.inputValue = 40
        let executor = try ReferenceExecutor(chipCount: 1, seed: 1)
        #expect(throws: NetworkError.self) {
            try measureMockParameter(on: executor, seed: 0, options: options)
        }
        options = MockMeasurementOptions()
        options.trials = 1
        #expect(throws: NetworkError.self) {
            try measureMockParameter(on: executor, seed: 0, options: options)
        }
    }
}
