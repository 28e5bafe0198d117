import HXCalibration
import HXPhysics

/// Brings the chips of one point into the state inference runs in: calibrated ("on") or
/// nominal ("off").
///
/// The closure gets the point's fresh chips (seeds `seed`, `seed + 1`, …, drawn with
/// `parameters`, in their nominal configuration) and changes them in place, for example by
/// measuring each chip and writing trims into its configuration. It must be a pure function of
/// its arguments — every random draw keyed by `seed` — or sweeps stop being reproducible.
public struct ChipPreparer: Sendable {
    /// A short name that identifies the procedure (and its version); it enters the sweep's hash,
    /// so results made with another procedure are not resumed or merged with these.
    public let name: String
    /// Prepares the chips.
    public let prepare:
        @Sendable (
            _ chips: inout [Chip], _ parameters: PhysicsParameters,
            _ seed: UInt64
        ) throws -> Void

    /// A preparer called `name` running `prepare`.
    public init(
        name: String,
        prepare:
            @escaping @Sendable (
                _ chips: inout [Chip], _ parameters: PhysicsParameters, _ seed: UInt64
            ) throws -> Void
    ) {
        self.name = name
        self.prepare = prepare
    }

    /// Calibration off: the chips keep the nominal configuration they were drawn with (every
    /// analog cell at the value that gives the nominal operating point on a chip without
    /// mismatch, every trim neutral).
    public static let nominal = ChipPreparer(name: "nominal") { _, _, _ in }
}

/// Where calibration "on" comes from: HXCalibration's full procedure (CADC range and offsets,
/// synapse drivers, baselines, gains), run on every chip of a point. It measures in its own
/// trial range, so it is a pure function of the chip, as a preparer must be.
public enum CalibrationHook {
    /// The calibration the CLI uses for `"calibration": "on"`.
    public static var preparer: ChipPreparer? {
        ChipPreparer(name: "hxcalibration-\(CalibrationResult.fileVersion)") { chips, _, _ in
            let calibrator = Calibrator()
            for index in chips.indices {
                _ = try calibrator.calibrate(&chips[index], clock: { 0 })
            }
        }
    }
}
