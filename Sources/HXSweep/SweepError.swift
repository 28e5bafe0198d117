import HXIO

/// Errors of inference-accuracy sweeps. Each case names what was wrong and, where there is one,
/// what to write instead; ``description`` says it in one line, as the CLI prints it.
///
/// Everything a specification can get wrong is found by ``Sweep/load(specPath:calibration:)``
/// before the first point runs.
public enum SweepError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The specification is not valid JSON of the expected shape; `reason` has the JSON path.
    case malformedSpec(source: String, reason: String)
    /// A problem of the specification file at `path` (an axis, a setting, the data set's fit
    /// to the model), as ``Sweep/load(specPath:calibration:)`` reports it.
    indirect case inSpecification(path: String, error: SweepError)
    /// An axis kind that does not exist; `suggestion` is the closest known one.
    case unknownAxis(name: String, suggestion: String?)
    /// A physics parameter name that does not exist; `suggestion` is the closest known one.
    case unknownParameter(axis: String, name: String, suggestion: String?)
    /// An axis without values (an empty list, or neither `values` nor `range`).
    case emptyAxis(String)
    /// A range that cannot be expanded (steps < 1, non-finite ends, log of a non-positive
    /// number, integers that do not fall on the grid).
    case badRange(axis: String, reason: String)
    /// A value an axis cannot take; `reason` says what it can take.
    case invalidValue(axis: String, value: String, reason: String)
    /// The same axis twice, or two axes that set the same physics parameter.
    case conflictingAxes(String)
    /// An axis lists the same value twice, so two points would have the same key.
    case duplicateValue(axis: String, value: String)
    /// A setting outside the axes (dataset, sampling, evaluation, base) that is wrong.
    case invalidSetting(name: String, reason: String)
    /// A file the specification names does not exist or cannot be read.
    case missingFile(role: String, path: String, reason: String)
    /// `--shard i/n` (or the SLURM variables) that is not a valid share.
    case shardOutOfRange(index: Int, count: Int)
    /// Text that is not of the form `i/n`.
    case malformedShard(String)
    /// Calibration "on" was asked for but no calibration is wired into this build.
    case calibrationUnavailable
    /// The results file exists and `--resume` was not given.
    case resultsExist(path: String)
    /// A results file written for another specification (or another model or data set).
    case foreignResults(path: String, line: Int, expected: String, found: String)
    /// Records of the same point more than once (in one file or across shards).
    case duplicatedPoints([String])
    /// Points of the plan without a record, after a merge.
    case missingPoints([String])
    /// A point that the plan does not contain, found in a results file.
    case unknownPoint(path: String, key: String)
    /// A results file with no complete record.
    case noResults(path: String)
    /// A plot axis that the results do not have; `available` lists the axes they have.
    case unknownPlotAxis(name: String, available: [String])
    /// Evaluating one point failed; `reason` is the underlying error.
    case evaluationFailed(key: String, reason: String)
    /// A record whose content does not match its checksum (edited or damaged).
    case tamperedRecord(path: String, line: Int)
    /// A record without a checksum (written before records had one): it cannot be verified.
    case unverifiedRecord(path: String, line: Int)
    /// Records of different builds, BLAS kernels or CPUs meet (in a merge, or a resumed file
    /// and this build) and the user did not accept it.
    case mixedBuilds(path: String, line: Int, found: String, expected: String)
    /// The merged file is one of the files being merged.
    case outputIsInput(path: String)
    /// The results file is one of the sweep's inputs; `role` names which (`specification`,
    /// `model file`, `parameter file`, `data set`).
    case resultsIsInput(path: String, role: String)
    /// A file read as results whose last line, cut short without a newline, is not the start
    /// of a record: not a results file (it would be cut off on `--resume`). `start` is its
    /// beginning.
    case notResults(path: String, start: String)

    /// The error itself, without the specification file ``inSpecification(path:error:)`` adds.
    public var underlying: SweepError {
        if case .inSpecification(_, let error) = self { return error.underlying }
        return self
    }

    /// `self` naming the specification at `path`, unless it names its file already.
    func naming(specification path: String) -> SweepError {
        switch self {
        case .malformedSpec, .missingFile, .inSpecification: return self
        default: return .inSpecification(path: path, error: self)
        }
    }

    public var description: String {
        switch self {
        case .malformedSpec(let source, let reason):
            return "sweep specification \(source): \(reason)"
        case .inSpecification(let path, let error):
            return "sweep specification \(path): \(error)"
        case .unknownAxis(let name, let suggestion):
            return "unknown axis '\(name)'" + Spelling.hint(suggestion) + "; axes are "
                + SettingAxis.summary
        case .unknownParameter(let axis, let name, let suggestion):
            return "axis \(axis): unknown physics parameter '\(name)'" + Spelling.hint(suggestion)
                + " (see `hxsim chip --json` for the names)"
        case .emptyAxis(let axis):
            return "axis \(axis) has no values: give a non-empty \"values\" list or a \"range\""
        case .badRange(let axis, let reason):
            return "axis \(axis): bad range: \(reason)"
        case .invalidValue(let axis, let value, let reason):
            return "axis \(axis): value \(value) is not allowed (\(reason))"
        case .conflictingAxes(let text):
            return "conflicting axes: \(text)"
        case .duplicateValue(let axis, let value):
            return "axis \(axis) lists \(value) twice; every value must be distinct"
        case .invalidSetting(let name, let reason):
            return "\(name): \(reason)"
        case .missingFile(let role, let path, let reason):
            return FileText.cannotRead("the \(role)", path, reason)
        case .shardOutOfRange(let index, let count):
            return
                "shard \(index)/\(count) does not exist: with n shards, i runs from 0 to n − 1 "
                + "and n is at least 1"
        case .malformedShard(let text):
            return "shard '\(text)' is not of the form i/n (for example --shard 0/4)"
        case .calibrationUnavailable:
            return
                "calibration \"on\" is not available in this build: HXSweep's calibration hook "
                + "(CalibrationHook.preparer) is not wired to HXCalibration yet; use \"off\""
        case .resultsExist(let path):
            return
                "results file \(path) already has records; pass --resume to continue it, or "
                + "choose another --results file"
        case .foreignResults(let path, let line, let expected, let found):
            return FilePlace.line(path, line).describing(
                "the record was written for another sweep (spec hash "
                    + "\(found.prefix(12))…, this one is \(expected.prefix(12))…): the spec, model "
                    + "or data set changed; write to another --results file")
        case .duplicatedPoints(let keys):
            return "duplicated points: " + Self.list(keys)
        case .missingPoints(let keys):
            return "missing points: " + Self.list(keys)
        case .unknownPoint(let path, let key):
            return "\(path) holds point \(key), which this sweep (or shard) does not contain"
        case .noResults(let path):
            return "\(path) holds no complete result record"
        case .unknownPlotAxis(let name, let available):
            return
                "the results have no axis '\(name)'; they have: "
                + (available.isEmpty ? "(none)" : available.joined(separator: ", "))
        case .evaluationFailed(let key, let reason):
            return "point \(key) failed: \(reason)"
        case .tamperedRecord(let path, let line):
            return FilePlace.line(path, line).describing(
                "the record does not match its checksum: it was edited or damaged after it was "
                    + "written; rerun the point (remove the line and --resume)")
        case .unverifiedRecord(let path, let line):
            return FilePlace.line(path, line).describing(
                "the record has no checksum (written by an older HXSim), so it cannot be "
                    + "verified; rerun the sweep into a new results file")
        case .mixedBuilds(let path, let line, let found, let expected):
            return FilePlace.line(path, line).describing(
                "the record was computed by \(found), not by \(expected): results of different "
                    + "builds, BLAS kernels or CPUs can differ; pass --accept-mixed-builds to "
                    + "combine them knowingly")
        case .outputIsInput(let path):
            return
                "the merged file \(path) is also one of the files to merge; write it to another "
                + "path"
        case .resultsIsInput(let path, let role):
            return
                "the results file \(path) is the sweep's \(role); write the results to another "
                + "path (--results)"
        case .notResults(let path, let start):
            return
                "\(path) is not a results file: its last line, without a newline, is not the "
                + "start of a record ('\(start)'); name another --results file"
        }
    }

    /// Up to ten entries, then how many more.
    private static func list(_ items: [String]) -> String {
        let shown = items.prefix(10).joined(separator: "; ")
        return items.count > 10 ? shown + "; and \(items.count - 10) more" : shown
    }
}

/// The closest known name to a mistyped one (``Spelling/closest(to:among:allowance:)``).
func closestName(to name: String, among candidates: [String]) -> String? {
    Spelling.closest(to: name, among: candidates)
}
