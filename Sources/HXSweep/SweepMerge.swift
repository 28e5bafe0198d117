import Foundation
import HXIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Joins the results files of a sweep's shards into one.
///
/// The shards must come from one sweep (one ``Sweep/hash``), hold every point of the plan
/// (indices `0 ..< pointCount`) and none twice; otherwise nothing is written and the error names
/// the points. The merged file lists the records in plan order, so the merge of shards `0/n …
/// (n−1)/n` equals the unsharded run's results file, wall times aside.
public enum SweepMerge {
    /// What a merge did.
    public struct Summary: Sendable, Equatable, CustomStringConvertible {
        /// The merged file.
        public var output: String
        /// Files read.
        public var inputs: Int
        /// Records written (the plan's points).
        public var records: Int
        /// The sweep's name.
        public var sweep: String
        /// The builds (version, commit, BLAS kernel, CPU) that computed the records, when more
        /// than one did (accepted with `acceptMixedBuilds`).
        public var mixedBuilds: [String] = []

        /// One line for stdout (two when builds were mixed).
        public var description: String {
            var text =
                "merged \(records) points of sweep \(sweep) from \(inputs) file(s) into \(output)"
            if !mixedBuilds.isEmpty {
                text +=
                    "\nnote: the records come from \(mixedBuilds.count) different builds: "
                    + mixedBuilds.joined(separator: "; ")
            }
            return text
        }
    }

    /// Merges `inputs` into `output` (written atomically).
    ///
    /// `output` is checked before anything is read (a regular file or none, in a writable
    /// directory, and not one of the inputs); every record's checksum is verified; records of
    /// different builds, BLAS kernels or CPUs are refused unless `acceptMixedBuilds`.
    /// - Parameter sweep: the sweep, if known: its hash must be the records', and missing
    ///   points are named by their keys (without it, by their indices).
    /// - Throws: ``SweepError/missingFile(role:path:reason:)``, ``SweepError/noResults(path:)``,
    ///   ``SweepError/foreignResults(path:line:expected:found:)`` for files of different sweeps,
    ///   ``SweepError/duplicatedPoints(_:)``, ``SweepError/missingPoints(_:)``.
    @discardableResult
    public static func merge(
        inputs: [String], output: String, sweep: Sweep? = nil, acceptMixedBuilds: Bool = false
    ) throws -> Summary {
        guard !inputs.isEmpty else {
            throw SweepError.invalidSetting(name: "merge", reason: "no shard files given")
        }
        _ = try OutputTarget.file(output, operand: "OUT", allowsStandardOutput: false)
        let standardized = URL(fileURLWithPath: output).standardizedFileURL.path
        for input in inputs
        where OutputTarget.sameFile(input, output)
            || URL(fileURLWithPath: input).standardizedFileURL.path == standardized
        {
            throw SweepError.outputIsInput(path: output)
        }
        var builds: [BuildProvenance?] = []
        var byIndex: [Int: (record: SweepRecord, file: String)] = [:]
        var duplicates: [String] = []
        var reference: SweepRecord?
        var incomplete: [String] = []
        for path in inputs {
            let (records, truncated) = try SweepResults.read(path: path, mustExist: true)
            if truncated { incomplete.append(path) }
            guard !records.isEmpty || truncated else { throw SweepError.noResults(path: path) }
            for (number, record) in records.enumerated() {
                if let sweep, record.specHash != sweep.hash {
                    throw SweepError.foreignResults(
                        path: path, line: number + 1, expected: sweep.hash, found: record.specHash)
                }
                let first = reference ?? record
                reference = first
                guard record.specHash == first.specHash, record.pointCount == first.pointCount
                else {
                    throw SweepError.foreignResults(
                        path: path, line: number + 1, expected: first.specHash,
                        found: record.specHash)
                }
                if !builds.contains(record.provenance) {
                    guard builds.isEmpty || acceptMixedBuilds else {
                        throw SweepError.mixedBuilds(
                            path: path, line: number + 1,
                            found: record.provenance.map { "\($0)" } ?? "an unknown build",
                            expected: "the build of the first record ("
                                + (builds[0].map { "\($0)" } ?? "unknown") + ")")
                    }
                    builds.append(record.provenance)
                }
                if let earlier = byIndex[record.index] {
                    duplicates.append(
                        "\(record.key) (index \(record.index)) in \(earlier.file) and \(path)")
                } else {
                    byIndex[record.index] = (record, path)
                }
            }
        }
        guard duplicates.isEmpty else { throw SweepError.duplicatedPoints(duplicates) }
        guard let reference else { throw SweepError.noResults(path: inputs[0]) }
        let missing = (0..<reference.pointCount).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            var names = missing.map { index -> String in
                if let points = sweep?.plan.points, points.indices.contains(index) {
                    return "\(points[index].key) (index \(index))"
                }
                return "index \(index)"
            }
            if !incomplete.isEmpty {
                names.append(
                    "(incomplete last record in \(incomplete.joined(separator: ", ")): resume "
                        + "that shard first)")
            }
            throw SweepError.missingPoints(names)
        }
        let records = (0..<reference.pointCount).compactMap { byIndex[$0]?.record }
        try SweepResults.write(records, to: output)
        return Summary(
            output: output, inputs: inputs.count, records: records.count, sweep: reference.sweep,
            mixedBuilds: builds.count > 1 ? builds.map { $0.map { "\($0)" } ?? "unknown" } : [])
    }

    /// The files a shard argument names: a comma-separated list of paths and glob patterns
    /// (`*`, `?`, `[…]`), each pattern expanded in sorted order.
    /// - Throws: ``SweepError/missingFile(role:path:reason:)`` for a pattern that matches
    ///   nothing.
    public static func expand(_ argument: String) throws -> [String] {
        var paths: [String] = []
        for item in argument.split(separator: ",").map(String.init) where !item.isEmpty {
            guard item.contains(where: { "*?[".contains($0) }) else {
                paths.append(item)
                continue
            }
            let matches = try Glob.expand(item)
            guard !matches.isEmpty else {
                throw SweepError.missingFile(
                    role: "shard results (pattern)", path: item, reason: "nothing matches")
            }
            paths += matches
        }
        return paths
    }
}

/// Shell-style file name patterns, through the C library's `glob`.
enum Glob {
    static func expand(_ pattern: String) throws -> [String] {
        var buffer = glob_t()
        defer { globfree(&buffer) }
        let status = glob(pattern, 0, nil, &buffer)
        guard status == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(buffer.gl_pathc) {
            if let entry = buffer.gl_pathv[index] { paths.append(String(cString: entry)) }
        }
        return paths.sorted()
    }
}
