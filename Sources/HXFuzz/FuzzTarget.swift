import Foundation

/// One parser under the fuzz harness: its name, valid files to start from, tokens worth
/// inserting, and the parse itself.
///
/// A target's `parse` must return or throw for every input; it may also throw a
/// ``FuzzFinding`` for an input that parses but breaks a law (two readers of one format that
/// disagree). Adding a parser to the harness is one line in ``FuzzTargets/all``:
///
///     FuzzTarget("safetensors", seeds: Seeds.safetensors) { try SafeTensors.decode($0) },
public struct FuzzTarget: Sendable {
    /// A short name (`csv`, `npy`, `parameters`, ...), used in reports and file names.
    public let name: String
    /// Valid inputs that mutations start from.
    public let seeds: [Data]
    /// Byte strings the mutator inserts or substitutes, beyond ``Seeds/commonTokens``.
    public let tokens: [Data]
    /// Parses one input.
    public let parse: @Sendable (Data) throws -> Void

    /// A target named `name` that mutates `seeds` and runs `parse`.
    public init(
        _ name: String, seeds: [Data], tokens: [String] = [],
        parse: @escaping @Sendable (Data) throws -> Void
    ) {
        self.name = name
        self.seeds = seeds
        self.tokens = tokens.map { Data($0.utf8) }
        self.parse = parse
    }
}

/// An input that parsed but broke a law the harness checks (for example, the streaming reader
/// and the whole-file reader of one format disagree). The harness keeps the input.
public struct FuzzFinding: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    public init(_ description: String) { self.description = description }
}
