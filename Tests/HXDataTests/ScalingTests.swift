import Foundation
import HXIO
import HXNumerics
import HXTestSupport
import Testing

@testable import HXData

@Suite("Standardisation and min-max scaling")
struct ScalingTests {
    @Test("standardising gives the training set mean 0 and deviation 1; constants only centred")
    func standardizer() throws {
        let train = try Matrix<Float>([[1, 10], [3, 10], [5, 10]])
        let scaler = try Standardizer.fit(train)
        #expect(scaler.mean == [3, 10])
        // Population deviation of 1, 3, 5: sqrt(8 / 3).
        #expect(abs(scaler.standardDeviation[0] - (8.0 / 3).squareRoot()) < 1e-12)
        #expect(scaler.standardDeviation[1] == 0)
        let scaled = try scaler.apply(train)
        let s = Float((3.0 / 8).squareRoot() * 2)
        #expect(scaled.storage == [-s, 0, 0, 0, s, 0])
        #expect(try scaler.apply(Matrix<Float>([[3, 12]])).storage == [0, 2])
        #expect(throws: DataError.self) { try scaler.apply(Matrix<Float>([[1, 2, 3]])) }
        #expect(throws: DataError.self) { try Standardizer.fit(Matrix<Float>([[1, .nan]])) }
    }

    @Test("min-max maps training extremes onto the target and clips others")
    func minMax() throws {
        let train = try Matrix<Float>([[0, 5], [10, 15]])
        let perFeature = try MinMaxScaler.fit(train, to: 0...31)
        #expect(try perFeature.apply(train).storage == [0, 0, 31, 31])
        #expect(
            try perFeature.apply(Matrix<Float>([[5, 20], [-3, 10]])).storage == [15.5, 31, 0, 15.5])
        let global = try MinMaxScaler.fit(train, to: 0...30, mode: .global)
        #expect(try global.apply(train).storage == [0, 10, 20, 30])
        let unclipped = try MinMaxScaler.fit(train, to: 0...1, clips: false)
        #expect(try unclipped.apply(Matrix<Float>([[20, 5]])).storage == [2, 0])
        #expect(throws: DataError.self) { try MinMaxScaler.fit(train, to: 1...1) }
    }

    @Test("fitted scalers survive a JSON round trip unchanged")
    func json() throws {
        let train = try Matrix<Float>([[0.1, 5], [10, -15]])
        let standardizer = try Standardizer.fit(train)
        let minMax = try MinMaxScaler.fit(train, to: 0...31, mode: .global)
        let directory = try TemporaryDirectory()
        try JSON.write(standardizer, to: directory.file("std.json"))
        try JSON.write(minMax, to: directory.file("minmax.json"))
        #expect(try JSON.read(Standardizer.self, path: directory.file("std.json")) == standardizer)
        #expect(try JSON.read(MinMaxScaler.self, path: directory.file("minmax.json")) == minMax)
        // Hand-edited JSON with a deviation missing: apply refuses instead of crashing.
        try FileIO.writeAtomically(
            #"{"mean": [1, 2], "standardDeviation": [1]}"#, to: directory.file("bad.json"))
        let bad = try JSON.read(Standardizer.self, path: directory.file("bad.json"))
        #expect(throws: DataError.self) { try bad.apply(train) }
    }

    @Test("scalers apply to a data set's features and keep its labels")
    func dataset() throws {
        let data = try Dataset(
            name: "d", features: Matrix<Float>([[0, 2], [4, 6]]), labels: [1, 0], classCount: 2)
        let scaled = try MinMaxScaler.fit(data, to: 0...1).apply(data)
        #expect(scaled.features.storage == [0, 0, 1, 1])
        #expect(scaled.labels == [1, 0])
    }
}
