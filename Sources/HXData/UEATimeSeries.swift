import Foundation
import HXIO
import HXNumerics

/// Multivariate time series in the `.ts` format of the UEA/UCR archive (for example
/// BasicMotions): `@` header lines (`@problemName`, `@dimensions`, `@seriesLength`,
/// `@classLabel true name…`), then `@data` and one sample per line, channels separated by `:`,
/// values by `,`, the class name last. `#` lines are comments.
///
/// Class names map to indices in **sorted order** (by Unicode code points) of the names the
/// `@classLabel` line declares (or, without one, of the names that occur), so the train and
/// test files of a problem agree; ``Dataset/classNames`` keeps them. BasicMotions gives
/// `Badminton` 0, `Running` 1, `Standing` 2, `Walking` 3.
///
/// Features are channel-major: channel 0's steps, then channel 1's, …;
/// ``Dataset/featureShape`` is `[channels, steps]`. All series must have the same length.
public enum UEATimeSeries {
    /// What to do with missing values (`?` or `NaN`).
    public enum MissingValues: Sendable, Equatable {
        /// Throw ``DataError/missingValue(path:line:channel:step:)`` (the default).
        case reject
        /// Replace each missing value by the given number.
        case fill(Float)
    }

    /// Loads the `.ts` file at `path` (gzip-compressed or plain).
    /// - Parameters:
    ///   - classNames: the class names in index order; nil uses the sorted declared names.
    ///     Pass the train set's ``Dataset/classNames`` when loading its test set to be sure
    ///     both use one mapping.
    ///   - missingValues: how to treat `?` and `NaN` values.
    /// - Throws: ``DataError`` naming the line of a malformed header, a bad number, a missing
    ///   value, an unknown class or a series of the wrong length.
    public static func load(
        path: String, classNames: [String]? = nil, missingValues: MissingValues = .reject
    ) throws -> Dataset {
        let data = try DataError.wrapping { try Gzip.readPossiblyCompressed(path: path) }
        let text = String(decoding: data, as: UTF8.self)
        var problemName: String?
        var declaredDimensions: Int?
        var declaredLength: Int?
        var declaredClasses: [String]?
        var inData = false
        var rows: [(line: Int, channels: [[Float]], label: String)] = []
        // Any line break: "\r\n" is one Character in Swift, which a split on "\n" misses.
        for (offset, rawLine) in text.split(
            omittingEmptySubsequences: false, whereSeparator: \.isNewline
        ).enumerated() {
            let lineNumber = offset + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !inData {
                guard line.hasPrefix("@") else {
                    throw DataError.malformed(
                        path: path, line: lineNumber, reason: "expected an @ header line or @data")
                }
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                let key = words[0].lowercased()
                let value = words.dropFirst()
                func number() throws -> Int {
                    guard let first = value.first, let number = Int(first), number > 0 else {
                        throw DataError.badValue(
                            path: path, line: lineNumber, token: value.joined(separator: " "),
                            expected: "a positive integer after \(words[0])")
                    }
                    return number
                }
                switch key {
                case "@problemname": problemName = value.joined(separator: " ")
                case "@dimensions": declaredDimensions = try number()
                case "@serieslength": declaredLength = try number()
                case "@classlabel":
                    guard value.first?.lowercased() == "true" else {
                        throw DataError.malformed(
                            path: path, line: lineNumber,
                            reason: "@classLabel false: the file has no class labels")
                    }
                    declaredClasses = Array(value.dropFirst())
                case "@timestamps":
                    if value.first?.lowercased() == "true" {
                        throw DataError.malformed(
                            path: path, line: lineNumber,
                            reason: "time-stamped series are not supported")
                    }
                case "@targetlabel":
                    throw DataError.malformed(
                        path: path, line: lineNumber,
                        reason: "a regression problem (@targetlabel) has no classes")
                case "@data": inData = true
                default: continue  // @missing, @univariate, @equalLength: facts we check anyway
                }
                continue
            }
            var parts = line.split(separator: ":", omittingEmptySubsequences: false)
            let label = parts.removeLast().trimmingCharacters(in: .whitespaces)
            var channels: [[Float]] = []
            for (channel, part) in parts.enumerated() {
                var values: [Float] = []
                for (step, token) in part.split(separator: ",", omittingEmptySubsequences: false)
                    .enumerated()
                {
                    let trimmed = token.trimmingCharacters(in: .whitespaces)
                    if trimmed == "?" || trimmed.lowercased() == "nan" {
                        guard case .fill(let replacement) = missingValues else {
                            throw DataError.missingValue(
                                path: path, line: lineNumber, channel: channel, step: step)
                        }
                        values.append(replacement)
                        continue
                    }
                    // Float(String) parses through a C string: "2\0junk" would read as 2.
                    guard !trimmed.utf8.contains(0), let value = Float(trimmed), value.isFinite
                    else {
                        throw DataError.badValue(
                            path: path, line: lineNumber, token: trimmed, expected: "a number")
                    }
                    values.append(value)
                }
                channels.append(values)
            }
            rows.append((lineNumber, channels, label))
        }
        guard let first = rows.first else {
            throw DataError.malformed(path: path, line: 0, reason: "no samples after @data")
        }
        let channelCount = declaredDimensions ?? first.channels.count
        let length = declaredLength ?? first.channels.first?.count ?? 0
        guard channelCount > 0, length > 0 else {
            throw DataError.malformed(
                path: path, line: first.line,
                reason: "no values: a sample is its dimensions' values, then ':' and its class")
        }
        let names = classNames ?? (declaredClasses ?? rows.map(\.label)).uniqueSorted()
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var features: [Float] = []
        // The values read, not the header's claims: a damaged @dimensions or @seriesLength
        // must not size an allocation (each row is checked against them below).
        features.reserveCapacity(rows.reduce(0) { $0 + $1.channels.reduce(0) { $0 + $1.count } })
        var labels: [Int] = []
        for (sample, row) in rows.enumerated() {
            // The header's numbers are the file's claims: compared, never used to build a list.
            guard row.channels.count == channelCount else {
                throw DataError.dimensionMismatch(
                    path: path, what: "line \(row.line): dimensions", expected: [channelCount],
                    got: [row.channels.count])
            }
            if let channel = row.channels.firstIndex(where: { $0.count != length }) {
                throw DataError.dimensionMismatch(
                    path: path, what: "line \(row.line): steps of dimension \(channel + 1)",
                    expected: [length], got: [row.channels[channel].count])
            }
            guard let label = index[row.label] else {
                throw DataError.invalidLabel(
                    path: path, sample: sample, label: row.label,
                    allowed: "one of " + names.joined(separator: ", "))
            }
            for channel in row.channels { features.append(contentsOf: channel) }
            labels.append(label)
        }
        return try Dataset(
            name: problemName ?? path,
            features: Matrix(rows: rows.count, columns: channelCount * length, storage: features),
            labels: labels, classCount: names.count, classNames: names,
            featureShape: [channelCount, length])
    }
}

extension Array where Element == String {
    /// The distinct strings, sorted by code points (independent of the locale).
    func uniqueSorted() -> [String] {
        Array(Set(self)).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }
}
