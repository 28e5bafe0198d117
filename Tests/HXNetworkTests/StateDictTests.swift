import Foundation
import HXIO
import HXTestSupport
import Testing

@testable import HXNetwork

/// The architecture of the fixture's PyTorch model (hxtorch's MNIST structure in small):
/// features = Conv2d(1→2, 3×3, stride 2) → ConvertingReLU(2); classifier = Linear(8→3, bias)
/// → ConvertingReLU(2) → Linear(3→2).
private func smallModel(seed: UInt64 = 1) throws -> Sequential {
    Sequential(
        Sequential(
            try Conv2d(
                inChannels: 1, outChannels: 2, kernelSize: 3, stride: 2, bias: false, numSends: 1,
                seed: seed),
            try ConvertingReLU(shift: 2)),
        Flatten(),
        Sequential(
            try Linear(inFeatures: 8, outFeatures: 3, numSends: 1, seed: seed + 1),
            try ConvertingReLU(shift: 2),
            try Linear(inFeatures: 3, outFeatures: 2, bias: false, numSends: 1, seed: seed + 2)))
}

private let prefixes = [("0.", "features."), ("2.", "classifier.")]

@Suite("state_dict exchange with PyTorch")
struct StateDictTests {
    @Test("names follow torch.nn.Sequential: indices, parameter-free layers counted, nesting")
    func names() throws {
        let model = try smallModel()
        #expect(
            StateDict.names(of: model) == ["0.0.weight", "2.0.weight", "2.0.bias", "2.2.weight"])
        #expect(
            StateDict.names(of: model, prefixes: prefixes) == [
                "features.0.weight", "classifier.0.weight", "classifier.0.bias",
                "classifier.2.weight",
            ])
    }

    @Test("a state_dict saved by PyTorch loads, and the model computes PyTorch's output")
    func loadsPyTorch() throws {
        var model = try smallModel()
        let path = fixture("torch-state-dict.safetensors")
        let contents = try SafeTensors.read(path: path)
        var parameters = contents
        parameters.tensors["input.x"] = nil
        parameters.tensors["output.y"] = nil
        let directory = try TemporaryDirectory(label: "statedict")
        try SafeTensors.write(parameters, to: directory.file("weights.safetensors"))
        try StateDict.load(
            from: directory.file("weights.safetensors"), into: &model, prefixes: prefixes)
        let weight = try #require(contents.tensors["classifier.0.weight"])
        #expect(model.parameters[1].storage == weight.floats())

        let x = try #require(contents.tensors["input.x"])
        let expected = try #require(contents.tensors["output.y"]).floats()
        let y = try model(Tensor(shape: x.shape, storage: x.floats()))
        #expect(y.shape == [2, 2])
        for (got, want) in zip(y.storage, expected) {
            #expect(abs(got - want) <= 1e-5 * max(1, abs(want)), "\(y.storage) vs \(expected)")
        }
    }

    @Test("saving and loading again gives the parameters bit for bit")
    func roundTrip() throws {
        let model = try smallModel()
        let directory = try TemporaryDirectory(label: "statedict")
        try StateDict.save(model, to: directory.file("m.safetensors"), prefixes: prefixes)
        var other = try smallModel(seed: 10)
        for index in other.parameters.indices {
            #expect(other.parameters[index].storage != model.parameters[index].storage)
        }
        try StateDict.load(from: directory.file("m.safetensors"), into: &other, prefixes: prefixes)
        for (a, b) in zip(model.parameters, other.parameters) {
            #expect(a.storage.map(\.bitPattern) == b.storage.map(\.bitPattern))
        }
        let written = try SafeTensors.read(path: directory.file("m.safetensors"))
        #expect(written.metadata["format"] == "pt")
        #expect(written.tensors["classifier.0.bias"]?.dtype == .f32)
    }

    @Test("missing, extra, misshapen and non-finite parameters are refused; the model is unchanged")
    func refusals() throws {
        var model = try smallModel()
        let before = model.parameters
        var tensors = StateDict.tensors(of: model)
        tensors["2.0.bias"] = nil
        #expect(throws: NetworkError.self) { try StateDict.load(tensors, into: &model) }
        tensors = StateDict.tensors(of: model)
        tensors["9.weight"] = Tensor([1])
        do {
            try StateDict.load(tensors, into: &model)
            Issue.record("an unknown name was accepted")
        } catch { #expect("\(error)".contains("9.weight")) }
        tensors = StateDict.tensors(of: model)
        tensors["2.2.weight"] = try Tensor(shape: [3, 2], repeating: 1)
        do {
            try StateDict.load(tensors, into: &model)
            Issue.record("a wrong shape was accepted")
        } catch { #expect("\(error)".contains("[2, 3]")) }
        tensors = StateDict.tensors(of: model)
        tensors["2.2.weight"] = try Tensor(shape: [2, 3], repeating: .nan)
        #expect(throws: NetworkError.self) { try StateDict.load(tensors, into: &model) }
        #expect(zip(before, model.parameters).allSatisfy { $0.storage == $1.storage })
    }
}
