import Foundation
import HXIO
import HXNetwork

/// Where the time of one stage (training with the chip in the loop, or inference) goes: host
/// time per phase of the simulator, and the projected time of the real chip per VMM layer from
/// the event schedule (``ProjectingExecutor``), per batch, with images per second of both.
public struct RuntimeAnalysis: Sendable, Codable, Equatable {
    /// `training` or `inference`.
    public var stage: String
    /// Samples processed.
    public var samples: Int
    /// Batches processed.
    public var batches: Int
    /// Host seconds per phase name (encode, simulate, decode, digital, backward, update).
    public var hostSeconds: [String: Double]
    /// Projected seconds on the real chip per VMM layer, in model order (layer names).
    public var chipSeconds: [Double]
    /// The VMM layers' names, in model order (`Conv2d`, `Linear`, …).
    public var layers: [String]

    /// Host phases in the order the table and figure show them, with their profile phase.
    public static let phases: [(name: String, phase: ProfilePhase)] = [
        ("encode", .encode), ("simulate", .execute), ("decode", .decode), ("digital", .digital),
        ("backward", .backward), ("update", .update),
    ]

    /// The analysis of a profile and the calls a ``ProjectingExecutor`` recorded over the same
    /// passes; calls are assigned to layers in turn (one call per VMM layer per forward pass),
    /// the parts of one call (consecutive calls with the same ``ProjectingExecutor/Call/call``
    /// number: a batch larger than the context's `partRows`) to the same layer.
    public init(
        stage: String, samples: Int, batches: Int, profile: Profile,
        calls: [ProjectingExecutor.Call], layers: [String]
    ) {
        self.stage = stage
        self.samples = samples
        self.batches = batches
        self.layers = layers
        var host: [String: Double] = [:]
        for (name, phase) in Self.phases { host[name] = profile.seconds(phase) }
        hostSeconds = host
        var chip = [Double](repeating: 0, count: layers.count)
        if !layers.isEmpty {
            var layer = -1
            for (index, call) in calls.enumerated() {
                let part = index > 0 && call.call != nil && call.call == calls[index - 1].call
                if !part { layer = (layer + 1) % layers.count }
                chip[layer] += call.seconds
            }
        }
        chipSeconds = chip
    }

    /// Host seconds in all phases.
    public var hostTotal: Double { hostSeconds.values.reduce(0, +) }
    /// Projected chip seconds of all layers (the chip's share only: the host's digital
    /// operations, backward pass and updates come on top on a real system).
    public var chipTotal: Double { chipSeconds.reduce(0, +) }
    /// Samples per second of the simulator (all host phases).
    public var hostSamplesPerSecond: Double { hostTotal > 0 ? Double(samples) / hostTotal : 0 }
    /// Samples per second of the real chip's VMMs alone, projected.
    public var chipSamplesPerSecond: Double { chipTotal > 0 ? Double(samples) / chipTotal : 0 }

    /// The table: host phases and chip layers per batch, in milliseconds.
    public func table() throws -> Table {
        let perBatch = 1e3 / Double(max(batches, 1))
        var rows: [[TableCell]] = Self.phases.map { name, _ in
            [.text("host: \(name)"), .number((hostSeconds[name] ?? 0) * perBatch), .missing]
        }
        rows.append([.text("host: total"), .number(hostTotal * perBatch), .missing])
        for (index, layer) in layers.enumerated() {
            rows.append([
                .text("chip: layer \(index) (\(layer))"), .missing,
                .number(chipSeconds[index] * perBatch),
            ])
        }
        rows.append([.text("chip: total (projected)"), .missing, .number(chipTotal * perBatch)])
        rows.append([
            .text("samples per second"), .number(hostSamplesPerSecond),
            .number(chipSamplesPerSecond),
        ])
        return try Table(
            header: [
                "\(stage), per batch of \(samples / max(batches, 1))", "simulator ms",
                "real chip ms",
            ],
            rows: rows)
    }
}
