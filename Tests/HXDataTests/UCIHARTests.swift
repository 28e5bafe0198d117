import Foundation
import HXIO
import HXTestSupport
import Testing

@testable import HXData

#if canImport(Glibc)
    import Glibc
#endif

@Suite("UCI HAR layout")
struct UCIHARTests {
    /// A split directory in the published layout with `samples` windows; the value at
    /// (sample, signal, step) is sample + signal / 10 + step / 1000, written like the
    /// original files (leading blanks, exponent notation).
    func makeSplit(_ directory: TemporaryDirectory, samples: Int, labels: String) throws -> String {
        for (signal, name) in UCIHAR.signals.enumerated() {
            var text = ""
            for sample in 0..<samples {
                let values = (0..<128).map { step in
                    String(
                        format: "%.7e", Double(sample) + Double(signal) / 10 + Double(step) / 1000)
                }
                text += "  " + values.joined(separator: "  ") + "\n"
            }
            try directory.write("HAR/train/Inertial Signals/\(name)_train.txt", text)
        }
        try directory.write("HAR/train/y_train.txt", labels)
        return directory.file("HAR/train")
    }

    @Test("nine signals become channel-major features, activities 1-6 labels 0-5")
    func load() throws {
        let directory = try TemporaryDirectory()
        let split = try makeSplit(directory, samples: 3, labels: "5\n1\n6\n")
        try directory.write(
            "HAR/activity_labels.txt", "1 WALK\n2 UP\n3 DOWN\n4 SIT\n5 STAND\n6 LIE\n")
        let data = try UCIHAR.load(splitDirectory: split)
        #expect(data.count == 3 && data.featureShape == [9, 128])
        #expect(data.labels == [4, 0, 5])
        #expect(data.classNames == ["WALK", "UP", "DOWN", "SIT", "STAND", "LIE"])
        let sample = Array(data.sample(2))
        // Signal 3 (body_gyro_x), step 5 of sample 2: 2 + 0.3 + 0.005.
        #expect(sample[3 * 128 + 5] == Float(2.305))
        #expect(sample[0] == 2 && sample[8 * 128 + 127] == Float(2.927))
        // Names that would mix with the published ones, or name one activity twice, are refused.
        let labels = directory.file("HAR/activity_labels.txt")
        try directory.write("HAR/activity_labels.txt", "1 WALK\n1 UP\n")
        #expect(
            throws: DataError.malformed(path: labels, line: 2, reason: "activity 1 is named twice")
        ) { try UCIHAR.load(splitDirectory: split) }
        try directory.write("HAR/activity_labels.txt", "1 WALK\n2 UP\n")
        #expect(
            throws: DataError.malformed(
                path: labels, line: 0, reason: "activities 3, 4, 5, 6 have no name")
        ) { try UCIHAR.load(splitDirectory: split) }
        // A link into a loop is named as such, not taken for a missing file.
        try FileManager.default.removeItem(atPath: labels)
        #expect(symlink(labels, labels) == 0)
        #expect(
            (errorText { try UCIHAR.load(splitDirectory: split) } ?? "").contains(
                "activity_labels.txt"))
    }

    @Test("published names are the default; missing files and bad rows are errors")
    func errors() throws {
        let directory = try TemporaryDirectory()
        let split = try makeSplit(directory, samples: 2, labels: "1\n2\n")
        #expect(try UCIHAR.load(splitDirectory: split).classNames == UCIHAR.activityNames)
        try directory.write("HAR/train/y_train.txt", "1\n7\n")
        #expect(
            throws: DataError.invalidLabel(
                path: split + "/y_train.txt", sample: 1, label: "7.0", allowed: "1…6")
        ) {
            try UCIHAR.load(splitDirectory: split)
        }
        try directory.write("HAR/train/y_train.txt", "1\n2\n3\n")
        #expect(throws: DataError.self) { try UCIHAR.load(splitDirectory: split) }
        try directory.write("HAR/train/y_train.txt", "1\n2\n")
        try directory.write("HAR/train/Inertial Signals/body_acc_y_train.txt", "1 2 3\n1 2 3\n")
        #expect(
            throws: DataError.dimensionMismatch(
                path: split + "/Inertial Signals/body_acc_y_train.txt", what: "values on line 1",
                expected: [128], got: [3])
        ) { try UCIHAR.load(splitDirectory: split) }
        // Finite as a Double but not as the Float the features are kept in.
        let big = (["1e39"] + Array(repeating: "0", count: 127)).joined(separator: " ")
        try directory.write(
            "HAR/train/Inertial Signals/body_acc_y_train.txt", big + "\n" + big + "\n")
        #expect(
            throws: DataError.badValue(
                path: split + "/Inertial Signals/body_acc_y_train.txt", line: 1, token: "1e39",
                expected: "a number within Float's range")
        ) { try UCIHAR.load(splitDirectory: split) }
        // A NUL inside a number: not read as its prefix (Double(String) stops at a NUL).
        let nul = (["2\u{0}5"] + Array(repeating: "0", count: 127)).joined(separator: " ")
        try directory.write(
            "HAR/train/Inertial Signals/body_acc_y_train.txt", nul + "\n" + nul + "\n")
        #expect(
            errorText { try UCIHAR.load(splitDirectory: split) }
                == split + "/Inertial Signals/body_acc_y_train.txt:1: expected a number within "
                + "Float's range, got '2\\u{0}5'")
        try FileManager.default.removeItem(atPath: split + "/Inertial Signals/body_acc_y_train.txt")
        #expect(throws: DataError.self) { try UCIHAR.load(splitDirectory: split) }
        #expect(throws: DataError.self) { try UCIHAR.load(splitDirectory: split, split: "test") }
    }
}
