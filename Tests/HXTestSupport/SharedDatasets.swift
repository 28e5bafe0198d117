import Foundation

/// The shared data sets folder (`../shared/datasets` beside the package root, or
/// `$HXSIM_DATASETS`), and the data sets in it. Only tests know this path; the library takes
/// paths. A test that needs a data set asks for its files, not only for the folder, so that a
/// folder without that data set skips the test with a message instead of failing it.
public enum SharedDatasets {
    /// The folder, if it exists.
    public static let directory: String? = {
        if let override = ProcessInfo.processInfo.environment["HXSIM_DATASETS"] {
            return FileManager.default.fileExists(atPath: override) ? override : nil
        }
        let path = PackageRoot.url.deletingLastPathComponent()
            .appendingPathComponent("shared/datasets").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    /// The absolute path of `relative` inside the folder (meaningless when it is absent).
    public static func path(_ relative: String) -> String { (directory ?? "") + "/" + relative }

    /// Whether every file of `relative` is present as a regular file and not empty.
    public static func has(_ relative: String...) -> Bool { has(relative) }

    /// Whether every file of `relative` is present as a regular file and not empty.
    public static func has(_ relative: [String]) -> Bool {
        guard directory != nil else { return false }
        return relative.allSatisfy { name in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path(name)),
                attributes[.type] as? FileAttributeType == .typeRegular
            else { return false }
            return (attributes[.size] as? NSNumber)?.intValue ?? 0 > 0
        }
    }

    /// Why a test that needs `relative` is skipped.
    public static func skipMessage(_ relative: String...) -> String { skipMessage(relative) }

    /// Why a test that needs `relative` is skipped.
    public static func skipMessage(_ relative: [String]) -> String {
        guard let directory else {
            return "shared/datasets not found beside the package (set HXSIM_DATASETS to its path)"
        }
        let missing = relative.filter { !has($0) }
        return "\(missing.joined(separator: ", ")) not found in \(directory)"
    }
}

/// The package's root directory, found from this file's path (Tests/HXTestSupport/…).
public enum PackageRoot {
    /// The root, as a file URL.
    public static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The absolute path of `relative` inside the package.
    public static func path(_ relative: String) -> String {
        url.appendingPathComponent(relative).path
    }
}
