import HXPhysics

/// How far a chip has drifted since it was calibrated, and whether that is too far.
///
/// The chip's slow drift (HXPhysics `ChipDrift`) moves its gains and offsets away from the
/// trims a calibration found. The drift since calibration is measured in two numbers: the
/// age difference as the root-mean-square change of a drift of unit amplitude, √D(Δt), in
/// units of one hour's change (1 after one hour, 2 after 16 h with the default spectrum), and
/// the temperature difference in kelvins. A calibration is stale when either passes its
/// threshold; the thresholds come from the drift study (`benchmarks/drift/README.md`): the
/// age and temperature offset at which the Yin-Yang network, the more sensitive of the two
/// studied, loses 0.5 points against a fresh calibration.
public struct CalibrationStaleness: Sendable, Equatable, CustomStringConvertible {
    /// The largest drift since calibration, in units of one hour's root-mean-square change,
    /// before a calibration is stale.
    public static let maximumDrift = 2.0
    /// The largest temperature change since calibration, in kelvins, before a calibration is
    /// stale.
    public static let maximumTemperatureChange = 2.0

    /// Where the chip was when calibrated, and where it is now.
    public var calibrated: ChipEnvironment
    public var current: ChipEnvironment
    /// √D of the age difference (1 for one hour).
    public var drift: Double
    /// The temperature difference, current minus calibrated, in kelvins.
    public var temperatureChange: Double

    /// Whether the drift or the temperature change is past its threshold.
    public var isStale: Bool {
        drift > Self.maximumDrift || abs(temperatureChange) > Self.maximumTemperatureChange
    }

    /// One line for a warning: where the calibration was made, where the chip is, and what to do.
    public var description: String {
        let hours = (current.age - calibrated.age) / 3600
        return "the calibration was made at age \(format(calibrated.age)) s and "
            + "\(format(calibrated.temperature)) K; the chip is at age \(format(current.age)) s "
            + "(\(format(hours)) h later, \(format(drift)) times one hour's drift; limit "
            + "\(format(Self.maximumDrift))) and \(format(current.temperature)) K "
            + "(\(format(temperatureChange)) K; limit ±\(format(Self.maximumTemperatureChange)) K): "
            + "recalibrate"
    }

    private func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

extension CalibrationResult {
    /// How far `chip` has drifted since this calibration; nil when the result does not record
    /// where it was made (files from before slow drift was modelled).
    public func staleness(for chip: Chip) -> CalibrationStaleness? {
        guard let environment else { return nil }
        let (drift, kelvins) = chip.driftSince(environment)
        return CalibrationStaleness(
            calibrated: environment, current: chip.environment, drift: drift,
            temperatureChange: kelvins)
    }

    /// A warning line when `chip` has drifted past the thresholds since this calibration,
    /// else nil.
    public func stalenessWarning(for chip: Chip) -> String? {
        guard let staleness = staleness(for: chip), staleness.isStale else { return nil }
        return "warning: chip \(chip.seed): \(staleness)"
    }
}
