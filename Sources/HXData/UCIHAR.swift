import Foundation
import HXIO
import HXNumerics

/// The UCI "Human Activity Recognition Using Smartphones" data set (Anguita et al. 2013) in its
/// published layout: a split directory such as `train/` holds `y_train.txt` (one activity
/// 1–6 per line) and `Inertial Signals/` with nine files `<signal>_train.txt`, each a line of
/// 128 whitespace-separated numbers per sample (2.56 s windows at 50 Hz).
///
/// Features are channel-major in the order of ``signals``; ``Dataset/featureShape`` is
/// `[9, 128]`. Activities 1–6 become labels 0–5, named by `activity_labels.txt` in the parent
/// directory when it is there, else by ``activityNames``.
public enum UCIHAR {
    /// The nine inertial signals, in feature order.
    public static let signals = [
        "body_acc_x", "body_acc_y", "body_acc_z", "body_gyro_x", "body_gyro_y", "body_gyro_z",
        "total_acc_x", "total_acc_y", "total_acc_z",
    ]

    /// The published activity names for labels 1–6, in order.
    public static let activityNames = [
        "WALKING", "WALKING_UPSTAIRS", "WALKING_DOWNSTAIRS", "SITTING", "STANDING", "LAYING",
    ]

    /// Steps per window.
    public static let windowLength = 128

    /// Loads the split in `splitDirectory` (for example `…/UCI HAR Dataset/test`); the split
    /// name in the file names is the directory's last component unless `split` is given.
    /// - Throws: ``DataError`` naming a missing file, a line with a bad number or the wrong
    ///   number of values, files with different sample counts, or a label outside 1–6.
    public static func load(splitDirectory: String, split: String? = nil) throws -> Dataset {
        let directory = URL(fileURLWithPath: splitDirectory)
        let splitName = split ?? directory.lastPathComponent
        let labelPath = directory.appendingPathComponent("y_\(splitName).txt").path
        let labelRows = try readRows(labelPath, expectedColumns: 1, what: "activity labels 1-6")
        var labels: [Int] = []
        for (sample, row) in labelRows.enumerated() {
            let value = row[0]
            guard value.rounded() == value, (1...6).contains(value) else {
                throw DataError.invalidLabel(
                    path: labelPath, sample: sample, label: "\(value)",
                    allowed: ValueText.range(1...6))
            }
            labels.append(Int(value) - 1)
        }
        var channels: [[[Float]]] = []
        for signal in signals {
            let path = directory.appendingPathComponent("Inertial Signals")
                .appendingPathComponent("\(signal)_\(splitName).txt").path
            let rows = try readRows(
                path, expectedColumns: windowLength, what: "\(windowLength) samples of \(signal)")
            guard rows.count == labels.count else {
                throw DataError.dimensionMismatch(
                    path: path, what: "sample count", expected: [labels.count], got: [rows.count])
            }
            channels.append(rows.map { $0.map(Float.init) })
        }
        var features: [Float] = []
        features.reserveCapacity(labels.count * signals.count * windowLength)
        for sample in 0..<labels.count {
            for channel in channels { features.append(contentsOf: channel[sample]) }
        }
        return try Dataset(
            name: "UCI HAR \(splitName)",
            features: Matrix(
                rows: labels.count, columns: signals.count * windowLength, storage: features),
            labels: labels, classCount: 6,
            classNames: try names(directory.deletingLastPathComponent()),
            featureShape: [signals.count, windowLength])
    }

    /// The activity names from `activity_labels.txt` ("1 WALKING" …) or the published ones.
    static func names(_ root: URL) throws -> [String] {
        let path = root.appendingPathComponent("activity_labels.txt").path
        guard FileIO.exists(path: path) else { return activityNames }
        let text = try DataError.wrapping { try FileIO.readText(path: path) }
        var names = activityNames
        var named = Set<Int>()
        for (offset, line) in text.split(separator: "\n").enumerated() {
            let words = line.split(whereSeparator: \.isWhitespace)
            guard words.count == 2, let index = Int(words[0]), (1...6).contains(index) else {
                throw DataError.malformed(
                    path: path, line: offset + 1, reason: "expected '<1-6> <NAME>'")
            }
            guard named.insert(index).inserted else {
                throw DataError.malformed(
                    path: path, line: offset + 1, reason: "activity \(index) is named twice")
            }
            names[index - 1] = String(words[1])
        }
        // A file that names some activities would mix its names with the published ones.
        guard named.count == activityNames.count else {
            let missing = (1...activityNames.count).filter { !named.contains($0) }
            throw DataError.malformed(
                path: path, line: 0,
                reason:
                    "activities \(missing.map(String.init).joined(separator: ", ")) have no name")
        }
        return names
    }

    /// The whitespace-separated numbers of each non-blank line of `path`, each line with
    /// `expectedColumns` of them. Numbers are parsed as `Double` (then rounded once to
    /// `Float` by the caller) and must be finite.
    static func readRows(_ path: String, expectedColumns: Int, what: String) throws -> [[Double]] {
        guard FileIO.exists(path: path) else {
            throw DataError.missingFile(path: path, expected: what)
        }
        let data = try DataError.wrapping { try FileIO.read(path: path) }
        var rows: [[Double]] = []
        for (offset, line) in data.split(
            separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false
        )
        .enumerated() {
            let tokens = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
            if tokens.isEmpty { continue }
            guard tokens.count == expectedColumns else {
                throw DataError.dimensionMismatch(
                    path: path, what: "values on line \(offset + 1)", expected: [expectedColumns],
                    got: [tokens.count])
            }
            rows.append(
                try tokens.map { token in
                    let text = String(decoding: token, as: UTF8.self)
                    // Finite as the Float the features are stored in, not only as a Double.
                    // Double(String) parses through a C string: "2\0junk" would read as 2.
                    guard !text.utf8.contains(0), let value = Double(text), value.isFinite,
                        Float(value).isFinite
                    else {
                        throw DataError.badValue(
                            path: path, line: offset + 1, token: text,
                            expected: "a number within Float's range")
                    }
                    return value
                })
        }
        return rows
    }
}
