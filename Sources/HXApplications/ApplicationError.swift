/// Errors of the applications layer: each case says what the user has to change, on one line.
public enum ApplicationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A task name that is not registered; `known` lists the ones that are.
    case unknownTask(String, known: [String])
    /// A data set that is in none of the places searched.
    case dataNotFound(task: String, looked: [String])
    /// A setting outside its domain.
    case invalidSetting(name: String, value: String, reason: String)
    /// A data set too small for the task's splits: `split` holds no sample, of `total` in the
    /// splits (after any limit on their sizes).
    case emptySplit(task: String, split: String, total: Int)
    /// A model that does not fit the task's data (input shape or number of classes).
    case modelDoesNotFitTask(task: String, reason: String)
    /// An error about the model of the file at `path` (for a command that read it).
    indirect case inModelFile(path: String, error: ApplicationError)

    /// Runs `body` on the model read from `path`: a ``modelDoesNotFitTask(task:reason:)`` it
    /// throws names the file.
    static func naming<T>(modelFile path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ApplicationError {
            guard case .modelDoesNotFitTask = error else { throw error }
            throw ApplicationError.inModelFile(path: path, error: error)
        }
    }

    public var description: String {
        switch self {
        case .unknownTask(let name, let known):
            return "unknown task '\(name)'; known tasks: \(known.joined(separator: ", "))"
        case .dataNotFound(let task, let looked):
            return
                "no data for task '\(task)': looked in \(looked.joined(separator: ", ")); "
                + "pass --data DIR or set HXSIM_DATASETS"
        case .invalidSetting(let name, let value, let reason):
            return "\(name) = \(value): \(reason)"
        case .emptySplit(let task, let split, let total):
            return
                "task '\(task)': the \(split) split holds no samples (the splits hold \(total)): "
                + "the data set is too small for its splits; is a data file cut short?"
        case .modelDoesNotFitTask(let task, let reason):
            return "the model does not fit task '\(task)': \(reason)"
        case .inModelFile(let path, let error):
            return "model file \(path): \(error)"
        }
    }
}
