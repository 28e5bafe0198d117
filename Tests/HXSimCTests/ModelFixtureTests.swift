import Foundation
import HXNetwork
import Testing

@testable import HXSimC

/// The HXNetwork model file the Python tests import state_dicts into
/// (python/tests/data/tiny-model.json): Linear(4 → 3, bias, 2 sends) → ConvertingReLU(1) →
/// Linear(3 → 2, no bias), weights drawn from seeds 1 and 2. Set HXSIM_WRITE_FIXTURES=1 to
/// rewrite it after a deliberate change of the model format.
func tinyModel() throws -> Sequential {
    Sequential(
        try Linear(inFeatures: 4, outFeatures: 3, numSends: 2, seed: 1),
        try ConvertingReLU(shift: 1),
        try Linear(inFeatures: 3, outFeatures: 2, bias: false, numSends: 1, seed: 2))
}

let tinyModelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("python/tests/data/tiny-model.json")

@Suite("C ABI: model exchange")
struct ModelExchangeTests {
    @Test("the Python tests' model file is the model it claims to be")
    func fixtureIsCurrent() throws {
        let model = try tinyModel()
        if ProcessInfo.processInfo.environment["HXSIM_WRITE_FIXTURES"] == "1" {
            try FileManager.default.createDirectory(
                at: tinyModelPath.deletingLastPathComponent(), withIntermediateDirectories: true)
            try ModelFile.save(model, to: tinyModelPath)
        }
        #expect(try Data(contentsOf: tinyModelPath) == ModelFile.encode(model))
    }

    @Test("export then import through the ABI restores the parameters bit for bit")
    func exportImport() throws {
        let directory =
            FileManager.default.temporaryDirectory.path + "/hxsimc-model-"
            + ProcessInfo.processInfo.globallyUniqueString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        let trained = Sequential(
            try Linear(inFeatures: 4, outFeatures: 3, numSends: 2, seed: 11),
            try ConvertingReLU(shift: 1),
            try Linear(inFeatures: 3, outFeatures: 2, bias: false, numSends: 1, seed: 12))
        try ModelFile.save(trained, to: URL(fileURLWithPath: directory + "/trained.json"))
        #expect(
            hxsimModelExportSafetensors(
                directory + "/trained.json", directory + "/w.safetensors", "0.=fc1.,2.=fc2.")
                == 0, "\(lastError())")
        #expect(
            hxsimModelImportSafetensors(
                tinyModelPath.path, directory + "/w.safetensors", "0.=fc1.,2.=fc2.",
                directory + "/out.json") == 0, "\(lastError())")
        let imported = try ModelFile.load(from: URL(fileURLWithPath: directory + "/out.json"))
        for (a, b) in zip(trained.parameters, imported.parameters) {
            #expect(a.storage.map(\.bitPattern) == b.storage.map(\.bitPattern))
        }
        // Without the prefixes the names do not match: an error naming them, nothing written.
        #expect(
            hxsimModelImportSafetensors(
                tinyModelPath.path, directory + "/w.safetensors", nil, directory + "/no.json")
                == 6)
        #expect(lastError().contains("fc1.weight"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/no.json"))
        #expect(
            hxsimModelImportSafetensors(tinyModelPath.path, nil, nil, directory + "/no.json") == 1)
        #expect(
            hxsimModelExportSafetensors(directory + "/missing.json", directory + "/x", nil) == 6)
    }
}
