import Foundation
import HXIO

/// Where the tasks look for their data sets: the folder given with `--data`, else
/// `$HXSIM_DATASETS`, else a `shared/datasets` folder beside the working directory, and last
/// the system-wide `/usr/share/datasets` of Debian's `dataset-*` packages (Fashion-MNIST).
///
/// A task names the subfolder it wants (`mnist`, `basicmotions`, …); ``candidates(for:)`` lists
/// the folders in search order and ``find(_:task:containing:)`` returns the first that holds the
/// files, or an error naming every folder tried.
public struct DataLocation: Sendable, Equatable {
    /// The root folders, in search order.
    public let roots: [String]

    /// The environment variable that names a data-set root.
    public static let environmentVariable = "HXSIM_DATASETS"
    /// A `shared/datasets` folder beside the working directory (a data-set folder kept next
    /// to the checkout, run from its root): a search location, not a part of the project.
    public static let sharedRoot = "../shared/datasets"
    /// Debian's data-set packages install here.
    public static let systemRoot = "/usr/share/datasets"
    /// The search order in words, for the help of the `--data` option.
    public static let helpText =
        "data-set folder (default $\(environmentVariable), then a shared/datasets folder beside "
        + "the current directory; also \(systemRoot))"

    /// The search order for an explicit folder (`--data`) or, without one, the environment.
    public init(
        explicit: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        var roots: [String] = []
        if let explicit {
            roots.append(explicit)
        } else {
            if let variable = environment[Self.environmentVariable], !variable.isEmpty {
                roots.append(variable)
            }
            roots.append(Self.sharedRoot)
        }
        roots.append(Self.systemRoot)
        self.roots = roots
    }

    /// Roots given directly (tests).
    public init(roots: [String]) { self.roots = roots }

    /// The folders `root/subfolder` in search order (and each root itself, for a `--data` that
    /// points at the data set's own folder).
    public func candidates(for subfolders: [String]) -> [String] {
        var result: [String] = []
        for root in roots {
            for subfolder in subfolders { result.append(root + "/" + subfolder) }
            result.append(root)
        }
        return result
    }

    /// The first candidate folder in which `containing` finds the data set.
    /// - Parameters:
    ///   - subfolders: the names the data set's folder may have under a root.
    ///   - task: the task's name, for the message.
    ///   - containing: whether a folder holds the data set.
    /// - Throws: ``ApplicationError/dataNotFound(task:looked:)`` naming every folder tried.
    public func find(
        _ subfolders: [String], task: String, containing: (String) -> Bool
    ) throws -> String {
        let folders = candidates(for: subfolders)
        guard let found = folders.first(where: containing) else {
            throw ApplicationError.dataNotFound(task: task, looked: folders)
        }
        return found
    }

    /// Whether every one of `files` exists in `folder`.
    public static func holds(_ folder: String, files: [String]) -> Bool {
        files.allSatisfy { FileIO.exists(path: folder + "/" + $0) }
    }
}
