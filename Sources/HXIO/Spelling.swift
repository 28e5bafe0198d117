/// Suggestions for mistyped names (options, parameters, axes), as in "did you mean 'readNoise'?".
public enum Spelling {
    /// The candidate with the smallest edit distance to `name` (ignoring case), if it is within
    /// a third of the name's length or `allowance` edits, whichever is more; nil otherwise.
    public static func closest(
        to name: String, among candidates: [String], allowance: Int = 3
    )
        -> String?
    {
        let typed = name.lowercased()
        let scored = candidates.map { ($0, editDistance(typed, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(allowance, name.count / 3) ? best.0 : nil
    }

    /// "did you mean 'x'?": the one wording of a suggestion; each message places it (after
    /// "; ", ", " or in parentheses, as ``hint(_:)`` does).
    public static func didYouMean(_ suggestion: String) -> String {
        "did you mean '\(suggestion)'?"
    }

    /// " (did you mean 'x'?)" for a suggestion, "" for none: the hint as most messages about
    /// an unknown name end.
    public static func hint(_ suggestion: String?) -> String {
        suggestion.map { " (\(didYouMean($0)))" } ?? ""
    }

    /// The Levenshtein distance: insertions, deletions and substitutions that turn `a` into `b`.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(
                    min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
