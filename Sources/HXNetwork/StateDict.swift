import HXIO

/// Model exchange with PyTorch: the parameters of a model under the names PyTorch's
/// `state_dict()` gives them, read from and written to safetensors files.
///
/// Names follow `torch.nn.Sequential`: the layer at index `i` of a ``Sequential`` owns the
/// prefix `"i."` (parameter-free layers such as ReLU count too, as they do in PyTorch), a nested
/// ``Sequential`` adds its own indices (`"2.0."`), and a layer's parameters are `weight` and
/// `bias` (a layer with another number of parameters gets `"i.0"`, `"i.1"`, …). The weights have
/// PyTorch's layouts (`[out, in]`, `[O, C, K]`, `[O, C, kH, kW]`), so a state_dict of a PyTorch
/// model of the same architecture maps one to one. Models whose PyTorch form names its parts
/// (hxtorch's MNIST model: `features.0.weight`, `classifier.0.weight`) map through `prefixes`,
/// pairs of an HXNetwork prefix and the PyTorch prefix that replaces it (`("0.", "features.")`).
///
/// Only the public ``Module`` interface is used (`parameters`, `setParameters`, and
/// ``Sequential/layers`` to name them), so any layer type works.
public enum StateDict {
    /// The metadata key under which files written here record their origin.
    public static let formatKey = "format"

    /// The names of `model`'s parameters, in the order of ``Module/parameters``.
    public static func names(
        of model: any Module, prefixes: [(String, String)] = []
    ) -> [String] {
        rawNames(of: model, prefix: "").map { renamed($0, prefixes) }
    }

    /// The parameters of `model` by name.
    public static func tensors(
        of model: any Module, prefixes: [(String, String)] = []
    ) -> [String: Tensor] {
        Dictionary(
            uniqueKeysWithValues: zip(names(of: model, prefixes: prefixes), model.parameters))
    }

    /// Replaces the parameters of `model` by the tensors of the same names.
    /// - Throws: ``NetworkError/modelFile(path:reason:)`` naming the first parameter that is
    ///   missing, has another shape, or holds NaN or infinities, and any name of `tensors` the
    ///   model does not have; the model is unchanged then.
    public static func load<Model: Module>(
        _ tensors: [String: Tensor], into model: inout Model, prefixes: [(String, String)] = [],
        source: String = "<state_dict>"
    ) throws {
        let names = self.names(of: model, prefixes: prefixes)
        let unexpected = Set(tensors.keys).subtracting(names).sorted()
        guard unexpected.isEmpty else {
            throw NetworkError.modelFile(
                path: source,
                reason: "unexpected parameter(s) \(unexpected.joined(separator: ", ")); the model "
                    + "has \(names.joined(separator: ", "))")
        }
        var values: [Tensor] = []
        for (name, current) in zip(names, model.parameters) {
            guard let value = tensors[name] else {
                throw NetworkError.modelFile(
                    path: source, reason: "missing parameter '\(name)' of shape \(current.shape)")
            }
            guard value.shape == current.shape else {
                throw NetworkError.modelFile(
                    path: source,
                    reason: "parameter '\(name)' has shape \(value.shape), the model needs "
                        + "\(current.shape)")
            }
            guard value.storage.allSatisfy(\.isFinite) else {
                throw NetworkError.modelFile(
                    path: source, reason: "parameter '\(name)' holds NaN or infinite values")
            }
            values.append(value)
        }
        var candidate = model
        try candidate.setParameters(values)
        model = candidate
    }

    /// Writes the parameters of `model` to a safetensors file (F32), with `metadata`.
    public static func save(
        _ model: any Module, to path: String, prefixes: [(String, String)] = [],
        metadata: [String: String] = [:]
    ) throws {
        var contents = SafeTensors.Contents(tensors: [:], metadata: metadata)
        contents.metadata[formatKey] = contents.metadata[formatKey] ?? "pt"
        for (name, tensor) in tensors(of: model, prefixes: prefixes) {
            contents.tensors[name] = try SafeTensor(float32: tensor.storage, shape: tensor.shape)
        }
        try SafeTensors.write(contents, to: path)
    }

    /// Replaces the parameters of `model` by those of the safetensors file at `path` (any
    /// numeric dtype, converted to `Float`).
    public static func load<Model: Module>(
        from path: String, into model: inout Model, prefixes: [(String, String)] = []
    ) throws {
        let contents = try SafeTensors.read(path: path)
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in contents.tensors {
            tensors[name] = try Tensor(shape: tensor.shape, storage: tensor.floats())
        }
        try load(tensors, into: &model, prefixes: prefixes, source: path)
    }

    private static func rawNames(of model: any Module, prefix: String) -> [String] {
        if let sequential = model as? Sequential {
            return sequential.layers.enumerated().flatMap { index, layer in
                rawNames(of: layer, prefix: "\(prefix)\(index).")
            }
        }
        let count = model.parameters.count
        let owner = String(prefix.dropLast())
        switch count {
        case 0: return []
        case 1: return ["\(owner).weight"]
        case 2: return ["\(owner).weight", "\(owner).bias"]
        default: return (0..<count).map { "\(owner).\($0)" }
        }
    }

    private static func renamed(_ name: String, _ prefixes: [(String, String)]) -> String {
        for (from, to) in prefixes where name.hasPrefix(from) {
            return to + name.dropFirst(from.count)
        }
        return name
    }
}
