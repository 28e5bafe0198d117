import HXNetwork

/// Reading and overriding the per-layer chip settings of a model: `numSends` and
/// `waitBetweenEvents` of its chip layers (every ``ChipLayer``: `Linear`, the convolutions and
/// any later one), counted 0, 1, … in model order, nested `Sequential`s included.
enum ModelSettings {
    /// The number of chip (VMM) layers of `model`.
    static func vmmLayerCount(of model: Sequential) -> Int { model.chipLayers.count }

    /// The `numSends` of every chip layer, in order.
    static func numSends(of model: Sequential) -> [Int] { model.chipLayers.map(\.numSends) }

    /// `model` with the overrides applied (values were range-checked by the plan).
    static func overriding(
        _ model: Sequential, numSends: LayerOverride, waitBetweenEvents: LayerOverride
    ) -> Sequential {
        guard !numSends.isEmpty || !waitBetweenEvents.isEmpty else { return model }
        var copy = model
        var index = 0
        copy.updateChipLayers { layer in
            defer { index += 1 }
            if let value = numSends.value(layer: index) { layer.numSends = value }
            if let value = waitBetweenEvents.value(layer: index) { layer.waitBetweenEvents = value }
        }
        return copy
    }
}
