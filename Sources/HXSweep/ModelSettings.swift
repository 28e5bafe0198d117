import HXNetwork

/// Reading and overriding the per-layer chip settings of a model: `numSends` and
/// `waitBetweenEvents` of its VMM layers (`Linear`, `Conv1d`, `ExpandedConv1d`, `Conv2d`),
/// counted 0, 1, … in model order, nested `Sequential`s included.
enum ModelSettings {
    /// The number of VMM layers of `model`.
    static func vmmLayerCount(of model: Sequential) -> Int {
        var count = 0
        visit(model) { _, _ in count += 1 }
        return count
    }

    /// The `numSends` of every VMM layer, in order.
    static func numSends(of model: Sequential) -> [Int] {
        var values: [Int] = []
        visit(model) { sends, _ in values.append(sends) }
        return values
    }

    /// `model` with the overrides applied (values were range-checked by the plan).
    static func overriding(
        _ model: Sequential, numSends: LayerOverride, waitBetweenEvents: LayerOverride
    ) -> Sequential {
        guard !numSends.isEmpty || !waitBetweenEvents.isEmpty else { return model }
        var copy = model
        var index = 0
        rewrite(&copy) { sends, wait in
            defer { index += 1 }
            if let value = numSends.value(layer: index) { sends = value }
            if let value = waitBetweenEvents.value(layer: index) { wait = value }
        }
        return copy
    }

    private static func visit(_ model: Sequential, _ body: (Int, Int) -> Void) {
        var copy = model
        rewrite(&copy) { sends, wait in body(sends, wait) }
    }

    /// Calls `change` on the settings of every VMM layer in order, writing back what it sets.
    private static func rewrite(_ model: inout Sequential, _ change: (inout Int, inout Int) -> Void)
    {
        for index in model.layers.indices {
            switch model.layers[index] {
            case var layer as Linear:
                change(&layer.numSends, &layer.waitBetweenEvents)
                model.layers[index] = layer
            case var layer as Conv1d:
                change(&layer.numSends, &layer.waitBetweenEvents)
                model.layers[index] = layer
            case var layer as ExpandedConv1d:
                change(&layer.numSends, &layer.waitBetweenEvents)
                model.layers[index] = layer
            case var layer as Conv2d:
                change(&layer.numSends, &layer.waitBetweenEvents)
                model.layers[index] = layer
            case var layer as Sequential:
                rewrite(&layer, change)
                model.layers[index] = layer
            default:
                break
            }
        }
    }
}
