import Foundation
import HXTestSupport
import Testing

@testable import HXNetwork

@Suite("Model files")
struct ModelFileTests {
    /// A model with every serializable layer type, including a nested Sequential.
    func everyLayer() throws -> Sequential {
        Sequential(
            Reshape(shape: [1, 8, 8]),
            ScaleInput(),
            try Conv2d(
                inChannels: 1, outChannels: 3, kernelSize: (3, 2), stride: (1, 2), padding: (1, 0),
                seed: 1),
            ReLU(),
            MaxPool2d(kernelSize: 2),
            AvgPool2d(kernelSize: (1, 2), stride: (1, 1)),
            Flatten(),
            Reshape(shape: [3, 4]),
            try Conv1d(
                inChannels: 3, outChannels: 2, kernelSize: 3, padding: 1, bias: false, numSends: 2,
                seed: 2),
            try ExpandedConv1d(
                inChannels: 2, outChannels: 2, kernelSize: 2, stride: 2, numExpansions: 2, seed: 3),
            MaxPool1d(kernelSize: 2, stride: 1),
            AvgPool1d(kernelSize: 1),
            Flatten(),
            Sequential(
                try Linear(inFeatures: 2, outFeatures: 5, waitBetweenEvents: 2, avg: 3, seed: 4),
                try ConvertingReLU(shift: 1)),
            try Linear(inFeatures: 5, outFeatures: 2, bias: false, seed: 5))
    }

    @Test("a saved model loads with bit-identical weights, the same settings and the same outputs")
    func roundTrip() throws {
        let model = try everyLayer()
        let directory = try TemporaryDirectory(label: "hxnetwork")
        let url = URL(fileURLWithPath: directory.file("model.json"))
        try ModelFile.save(model, to: url)
        let loaded = try ModelFile.load(from: url)
        #expect(loaded.parameters.map(\.shape) == model.parameters.map(\.shape))
        #expect(
            loaded.parameters.flatMap(\.storage).map(\.bitPattern)
                == model.parameters.flatMap(\.storage).map(\.bitPattern))
        // Saving the loaded model gives the same bytes: settings survived too.
        #expect(try ModelFile.encode(loaded) == Data(contentsOf: url))
        let x = randomTensor([2, 64], seed: 6, in: 0...31)
        #expect(try loaded(x) == model(x))
        let nested = loaded.layers[13] as? Sequential
        let inner = nested?.layers[0] as? Linear
        let original = (model.layers[13] as? Sequential)?.layers[0] as? Linear
        #expect(
            inner?.avg == 3 && inner?.waitBetweenEvents == 2
                && inner?.numSends == original?.numSends)
        #expect((loaded.layers[9] as? ExpandedConv1d)?.numExpansions == 2)
        #expect((loaded.layers[14] as? Linear)?.bias == nil)
        // No temporary file is left behind, and saving again replaces the file.
        try ModelFile.save(model, to: url)
        #expect(
            directory.contents == ["model.json"])
    }

    @Test("model files written before the layer registry load and save to the same bytes")
    func filesOfEarlierBuilds() throws {
        // Two models saved by `hxsim train yinyang --save` before the layers carried their own
        // formats: every byte must survive a load and a save.
        for name in ["yinyang-software", "yinyang-hil"] {
            let url = URL(
                fileURLWithPath: PackageRoot.path("benchmarks/sweeps/models/\(name).json"))
            let data = try Data(contentsOf: url)
            let model = try ModelFile.decode(data, source: url.path)
            #expect(try ModelFile.encode(model) == data, "\(name)")
            #expect(model.chipLayers.count == 2 && model.chipLayers.allSatisfy { $0 is Linear })
        }
    }

    @Test("every registered layer type has a distinct name, and the file's type names are these")
    func registry() throws {
        let names = LayerRecord.registry.map { $0.typeName }
        #expect(Set(names).count == names.count)
        #expect(
            names == [
                "Linear", "Conv1d", "Conv2d", "ExpandedConv1d", "ReLU", "ConvertingReLU",
                "Flatten", "Reshape", "ScaleInput", "MaxPool1d", "AvgPool1d", "MaxPool2d",
                "AvgPool2d", "Sequential",
            ])
        #expect(
            try everyLayer().chipLayers.map { type(of: $0).typeName } == [
                "Conv2d", "Conv1d", "ExpandedConv1d", "Linear", "Linear",
            ])
    }

    @Test("a truncated file is reported as damaged JSON")
    func truncated() throws {
        let data = try ModelFile.encode(try everyLayer())
        let error = #expect(throws: NetworkError.self) {
            try ModelFile.decode(data.prefix(data.count / 2), source: "m.json")
        }
        guard case .modelFile(let path, let reason) = error else {
            Issue.record("expected a model-file error, got \(String(describing: error))")
            return
        }
        #expect(path == "m.json")
        #expect(reason.hasPrefix("not valid JSON"), "\(reason)")
    }

    /// The file's JSON as a mutable dictionary.
    func json(_ model: Sequential) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: ModelFile.encode(model)) as! [String: Any]
    }

    func reencode(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object)
    }

    /// The error decoding `object` throws; an issue at the caller when it decodes.
    func decodingError(
        _ object: [String: Any], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> NetworkError? {
        let data = try reencode(object)
        return #expect(throws: NetworkError.self, sourceLocation: sourceLocation) {
            try ModelFile.decode(data)
        }
    }

    /// The layer records of the file's JSON.
    func layers(of object: [String: Any]) -> [[String: Any]] {
        (object["model"] as! [String: Any])["layers"] as! [[String: Any]]
    }

    /// The file's JSON with `layers` as its layer records.
    func replacingLayers(of object: [String: Any], with layers: [[String: Any]]) -> [String: Any] {
        var object = object
        var top = object["model"] as! [String: Any]
        top["layers"] = layers
        object["model"] = top
        return object
    }

    @Test("a changed weight is caught by the checksum")
    func damagedWeights() throws {
        let model = Sequential(try Linear(weight: try Tensor([[1, 2]]), numSends: 1))
        let object = try json(model)
        var layers = self.layers(of: object)
        var weight = layers[0]["weight"] as! [String: Any]
        // 3.0 instead of 2.0 in the second float: valid base64, valid shape, wrong value.
        weight["float32"] = try JSONEncoder().encode(Tensor([1, 3])).base64Payload
        layers[0]["weight"] = weight
        let error = try decodingError(replacingLayers(of: object, with: layers))
        #expect(
            error?.description.contains("checksum mismatch") == true, "\(String(describing: error))"
        )
    }

    @Test("another format version, another format tag or an unknown layer are clear errors")
    func mismatched() throws {
        let model = Sequential(ReLU())
        var object = try json(model)
        object["version"] = 7
        #expect(
            throws: NetworkError.unsupportedModelVersion(path: "<memory>", found: 7, supported: 1)
        ) {
            try ModelFile.decode(try reencode(object))
        }
        object = try json(model)
        object["format"] = "pytorch.state_dict"
        let foreign = try decodingError(object)
        #expect(foreign?.description.contains("not an HXNetwork model") == true)
        let unknown = try decodingError(
            replacingLayers(of: try json(model), with: [["type": "Dropout"]]))
        #expect(
            unknown?.description.contains("unknown layer type \"Dropout\"") == true,
            "\(String(describing: unknown))")
    }

    @Test("a layer whose tensors do not fit each other is rejected with the layer's message")
    func inconsistentLayer() throws {
        let object = try json(Sequential(try Linear(inFeatures: 3, outFeatures: 2, seed: 1)))
        var layers = self.layers(of: object)
        layers[0]["bias"] = try JSONSerialization.jsonObject(
            with: JSONEncoder().encode(Tensor([1, 2, 3])))
        layers[0].removeValue(forKey: "numSends")
        let missing = try decodingError(replacingLayers(of: object, with: layers))
        #expect(
            missing?.description.contains("missing \"numSends\" at model.layers[0]") == true,
            "\(String(describing: missing))")
        layers[0]["numSends"] = 18.5
        let fraction = try decodingError(replacingLayers(of: object, with: layers))
        #expect(
            fraction?.description.contains(
                "a number does not fit the type its key expects (a fraction, or out of range, "
                    + "where a whole number is expected); numbers in the file that are not whole: "
                    + "model.layers[0].numSends = 18.5") == true,
            "\(String(describing: fraction))")
        layers[0]["numSends"] = 2
        let shape = try decodingError(replacingLayers(of: object, with: layers))
        #expect(
            shape?.description.contains("Linear bias: expected shape [2], got [3]") == true,
            "\(String(describing: shape))")
    }

    @Test(
        "a huge avg, padding, stride or numExpansions: one line naming file, layer, setting")
    func settingsOutOfRange() throws {
        let linear = try json(
            Sequential(try Linear(inFeatures: 3, outFeatures: 2, avg: 2, seed: 1)))
        let conv2d = try json(
            Sequential(
                try Conv2d(inChannels: 1, outChannels: 2, kernelSize: 3, padding: 1, seed: 1)))
        let conv1d = try json(
            Sequential(try Conv1d(inChannels: 1, outChannels: 2, kernelSize: 3, seed: 1)))
        let expanded = try json(
            Sequential(
                try ExpandedConv1d(
                    inChannels: 1, outChannels: 2, kernelSize: 3, numExpansions: 2, seed: 1)))
        let huge = 4_611_686_018_427_387_903
        let cases: [([String: Any], String, Any, String)] = [
            (linear, "avg", 1_000_000_000, "Linear avg = 1000000000 is outside 1…512"),
            (linear, "avg", Int.max, "Linear avg = 9223372036854775807 is outside 1…512"),
            (conv2d, "padding", [1_000_000, 1_000_000], "Conv2d padding = 1000000 is outside 0…2"),
            (
                conv2d, "padding", [huge, 1],
                "Conv2d padding = 4611686018427387903 is outside 0…2"
            ),
            (
                conv2d, "stride", [1, Int.max],
                "Conv2d stride = 9223372036854775807 is outside 1…16777216"
            ),
            (conv1d, "padding", 1 << 40, "Conv1d padding = 1099511627776 is outside 0…2"),
            (conv1d, "stride", (1 << 24) + 1, "Conv1d stride = 16777217 is outside 1…16777216"),
            (
                expanded, "numExpansions", Int.max,
                "ExpandedConv1d numExpansions = 9223372036854775807 is outside"
            ),
        ]
        for (object, key, value, message) in cases {
            var layers = self.layers(of: object)
            layers[0][key] = value
            let data = try reencode(replacingLayers(of: object, with: layers))
            let error = #expect(throws: NetworkError.self, "\(key) \(value)") {
                try ModelFile.decode(data, source: "m.json")
            }
            let text = error?.description ?? ""
            #expect(text.hasPrefix("model file m.json: \(message)"), "\(text)")
            #expect(text.hasSuffix("at model.layers[0]") && !text.contains("\n"), "\(text)")
        }
    }

    @Test("a missing file and a custom module are clear errors")
    func otherErrors() throws {
        let missing = #expect(throws: NetworkError.self) {
            try ModelFile.load(from: URL(fileURLWithPath: "/nonexistent/model.json"))
        }
        #expect(
            missing?.description.hasPrefix("model file /nonexistent/model.json: cannot read")
                == true)
        struct Custom: Module {
            func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
                input
            }
        }
        #expect(throws: NetworkError.notSerializable(type: "Custom")) {
            try ModelFile.encode(Sequential(Custom()))
        }
    }
}

extension Data {
    /// The base64 text of an encoded tensor's `float32` field.
    fileprivate var base64Payload: String {
        let object = try! JSONSerialization.jsonObject(with: self) as! [String: Any]
        return object["float32"] as! String
    }
}
