import HXIO
import HXNumerics

/// Errors of calibration. Each case carries what the user needs to fix the problem, and
/// ``description`` says it in one line.
public enum CalibrationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A setting or target outside what the chip can reach; `allowed` says what it can.
    case settingOutOfRange(name: String, value: String, allowed: String)
    /// A calibration file that cannot be read or is not a calibration (truncated, corrupt,
    /// another format); `reason` says what was found.
    case malformedFile(path: String, reason: String)
    /// A calibration file written by a newer HXSim.
    case unsupportedVersion(path: String, found: Int, supported: Int)
    /// A calibration file whose contents fail a check (shape, range, checksum); `reason` names
    /// the field.
    case invalidContent(path: String, reason: String)
    /// A calibration made for another chip.
    case chipMismatch(calibratedSeed: UInt64, chipSeed: UInt64)
    /// A calibration made for another physics parameter set (hashes are SHA-256 of
    /// `PhysicsParameters.jsonData()`).
    case parameterMismatch(calibratedHash: String, chipHash: String)
    /// Outputs to correct whose shape or place does not fit the chip.
    case shapeMismatch(what: String, expected: String, got: String)
    /// The chip refused an operation during calibration; `reason` is its message.
    case chipFailed(step: String, reason: String)
    /// A fit that could not be computed (GSL failure or too few points).
    case fitFailed(hemisphere: Int, column: Int, reason: String)
    /// Reading or writing a result or report failed in the file layer (a directory, a full
    /// disk, no permission, ...): the ``IOError`` names the file and the cause.
    case io(IOError)

    public var description: String {
        switch self {
        case .settingOutOfRange(let name, let value, let allowed):
            return ValueText.notAllowed("calibration setting \(name)", value, allowed)
        case .malformedFile(let path, let reason):
            return FileText.cannotRead("calibration file", path, reason)
        case .unsupportedVersion(let path, let found, let supported):
            return
                "calibration file \(path) has "
                + FileText.otherVersion(found: found, supported: supported)
                + " — update HXSim or recalibrate"
        case .invalidContent(let path, let reason):
            return "calibration file \(path) is invalid: \(reason)"
        case .chipMismatch(let calibrated, let chip):
            return
                "the calibration was made for chip seed \(calibrated), not for chip seed \(chip) "
                + "(run on chip \(calibrated), or calibrate chip \(chip) with `hxsim calibrate "
                + "--seed \(chip)`)"
        case .parameterMismatch(let calibrated, let chip):
            return
                "the calibration was made for another physics parameter set (hash "
                + "\(calibrated.prefix(12))…, this chip's is \(chip.prefix(12))…); pass the "
                + "same --params file, or recalibrate"
        case .shapeMismatch(let what, let expected, let got):
            return "\(what) is \(got), expected \(expected)"
        case .chipFailed(let step, let reason):
            return "calibration step '\(step)' failed on the chip: \(reason)"
        case .fitFailed(let hemisphere, let column, let reason):
            return "digital fit of hemisphere \(hemisphere), column \(column) failed: \(reason)"
        case .io(let error):
            return error.description
        }
    }
}
