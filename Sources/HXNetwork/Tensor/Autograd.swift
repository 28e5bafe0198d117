/// One node of the reverse-mode autodiff graph.
///
/// A node is created by an operation whose inputs require gradients. It keeps its parents (the
/// nodes of the inputs) and a closure that maps the gradient of the result to the gradients of the
/// inputs. Nodes are immutable, so graphs can be shared between threads; their identity is what
/// tells one parameter from another, which is why this is a class.
final class GradNode: Sendable {
    /// The nodes of the operation's inputs, `nil` for inputs that need no gradient.
    let parents: [GradNode?]
    /// Maps (gradient of the result, which inputs need a gradient) to the inputs' gradients;
    /// `nil` for a leaf.
    let backward: (@Sendable (Tensor, [Bool]) -> [Tensor?])?

    init(parents: [GradNode?], backward: (@Sendable (Tensor, [Bool]) -> [Tensor?])?) {
        self.parents = parents
        self.backward = backward
    }
}

extension Tensor {
    /// The result of an operation: carries a node when any input requires gradients.
    ///
    /// `backward` receives the gradient of the result (same shape) and, per input, whether its
    /// gradient is needed; it returns one gradient per input, shaped like that input, or `nil`
    /// where none is needed.
    static func result(
        shape: [Int], storage: [Float], inputs: [Tensor],
        backward: @escaping @Sendable (Tensor, [Bool]) -> [Tensor?]
    ) -> Tensor {
        guard inputs.contains(where: { $0.node != nil }) else {
            return Tensor(unchecked: shape, storage)
        }
        let node = GradNode(parents: inputs.map(\.node), backward: backward)
        return Tensor(unchecked: shape, storage, node: node)
    }
}

/// The gradients of a scalar `loss` with respect to `parameters`, by reverse-mode autodiff.
///
/// Each parameter must be a leaf made with ``Tensor/trackingGradient()`` (and the loss computed
/// from it); a parameter the loss does not depend on gets a zero gradient. The graph is walked
/// once, in reverse topological order, and only branches that lead to a parameter are evaluated.
/// - Throws: ``NetworkError/shapeMismatch(operation:expected:got:)`` when `loss` has more than one
///   element.
public func gradients(of loss: Tensor, withRespectTo parameters: [Tensor]) throws -> [Tensor] {
    guard loss.count == 1 else {
        throw NetworkError.shapeMismatch(operation: "gradients", expected: [], got: loss.shape)
    }
    guard let root = loss.node else { return parameters.map { Tensor.zeros($0.shape) } }
    let targets = Set(parameters.compactMap { $0.node.map(ObjectIdentifier.init) })

    // Post-order depth-first walk without recursion: parents come before their children.
    var order: [GradNode] = []
    var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
    var stack: [(node: GradNode, next: Int)] = [(root, 0)]
    while let (node, next) = stack.last {
        if next < node.parents.count {
            stack[stack.count - 1].next += 1
            if let parent = node.parents[next], visited.insert(ObjectIdentifier(parent)).inserted {
                stack.append((parent, 0))
            }
        } else {
            order.append(node)
            stack.removeLast()
        }
    }

    // A node is needed when it is a parameter or leads to one.
    var needed: Set<ObjectIdentifier> = []
    for node in order {
        let id = ObjectIdentifier(node)
        if targets.contains(id)
            || node.parents.contains(where: {
                $0.map { needed.contains(ObjectIdentifier($0)) } ?? false
            })
        {
            needed.insert(id)
        }
    }

    var pending: [ObjectIdentifier: Tensor] = [
        ObjectIdentifier(root): Tensor(unchecked: loss.shape, [1])
    ]
    var found: [ObjectIdentifier: Tensor] = [:]
    for node in order.reversed() {
        let id = ObjectIdentifier(node)
        guard needed.contains(id), let gradient = pending.removeValue(forKey: id) else { continue }
        if targets.contains(id) { found[id] = gradient }
        guard let backward = node.backward else { continue }
        let needs = node.parents.map { $0.map { needed.contains(ObjectIdentifier($0)) } ?? false }
        let inputGradients = backward(gradient, needs)
        for (parent, inputGradient) in zip(node.parents, inputGradients) {
            guard let parent, let inputGradient, needed.contains(ObjectIdentifier(parent)) else {
                continue
            }
            let parentID = ObjectIdentifier(parent)
            if let existing = pending[parentID] {
                pending[parentID] = existing.adding(inputGradient)
            } else {
                pending[parentID] = inputGradient
            }
        }
    }
    return parameters.map { parameter in
        parameter.node.flatMap { found[ObjectIdentifier($0)] } ?? Tensor.zeros(parameter.shape)
    }
}

/// The value of `loss` on `model` and its gradients with respect to the model's parameters
/// (in the order of ``Module/parameters``).
///
/// The body receives a copy of the model whose parameters are fresh autodiff leaves, runs the
/// forward pass and returns a scalar loss, as in MLX's `valueAndGrad`.
public func valueAndGradient<M: Module>(
    of model: M, _ loss: (M) throws -> Tensor
) throws -> (value: Float, gradients: [Tensor]) {
    let parameters = model.parameters.map { $0.trackingGradient() }
    var tracked = model
    try tracked.setParameters(parameters)
    let value = try loss(tracked)
    let result = try gradients(of: value, withRespectTo: parameters)
    return (try value.item(), result)
}

extension Tensor {
    /// Element-wise sum of two tensors of the same shape, outside the graph (gradient
    /// accumulation).
    func adding(_ other: Tensor) -> Tensor {
        precondition(shape == other.shape, "gradient shapes must agree")
        var sum = storage
        sum.withUnsafeMutableBufferPointer { s in
            other.storage.withUnsafeBufferPointer { o in
                for index in s.indices { s[index] += o[index] }
            }
        }
        return Tensor(unchecked: shape, sum)
    }
}
