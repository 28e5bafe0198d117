import Foundation

/// Parses `arguments` for the command `type`, called as `path`, below `parents`.
func parseCommand(
    _ type: any ParsableCommand.Type, _ arguments: [String], path: [String],
    parents: [any ParsableCommand]
) throws -> Invocation {
    let command = type.init()
    let declared = declarations(of: command)
    let configuration = type.configuration
    guard !configuration.subcommands.isEmpty else {
        if try parseArguments(arguments, into: declared, command: path) {
            return .help(usage(of: type, declared, path: path))
        }
        return .run(command: command, parents: parents, path: path)
    }
    // A command with subcommands: its own options, then a subcommand's name and its arguments.
    let names = configuration.subcommands.map { $0.configuration.name }
    let own = declared.filter { $0.kind != .positional }
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if index == 0, argument == "help" {
            let rest = Array(arguments.dropFirst())
            if rest.isEmpty { return .help(usage(of: type, declared, path: path)) }
            return try parseCommand(type, rest + ["--help"], path: path, parents: parents)
        }
        if argument == "--help" || argument == "-h" {
            return .help(usage(of: type, declared, path: path))
        }
        if let subcommand = configuration.subcommands.first(where: {
            $0.configuration.name == argument
        }) {
            try parseOptions(Array(arguments[..<index]), of: own, command: path)
            return try parseCommand(
                subcommand, Array(arguments[(index + 1)...]), path: path + [argument],
                parents: parents + [command])
        }
        if argument.hasPrefix("-"), !isNumber(argument), let option = optionName(argument),
            let declaration = own.first(where: { $0.name == option })
        {
            // The command's own option: skip its value, if it takes one.
            index += declaration.kind == .option && !argument.contains("=") ? 2 : 1
            continue
        }
        // Neither a subcommand nor an option of this command.
        let suggestion = argument.hasPrefix("-") ? nil : closest(to: argument, among: names)
        if let fallback = configuration.defaultSubcommand,
            suggestion == nil || FileManager.default.fileExists(atPath: argument)
        {
            try parseOptions(Array(arguments[..<index]), of: own, command: path)
            return try parseCommand(
                fallback, Array(arguments[index...]), path: path + [fallback.configuration.name],
                parents: parents + [command])
        }
        if argument.hasPrefix("-") {
            throw ArgumentError.unknownOption(
                argument, command: path.joined(separator: " "),
                suggestion: closest(
                    to: "--" + (optionName(argument) ?? ""),
                    among: own.map { "--" + $0.name } + ["--help"]))
        }
        throw ArgumentError.unknownSubcommand(
            argument, program: path.joined(separator: " "), suggestion: suggestion)
    }
    try parseOptions(arguments, of: own, command: path)
    return .run(command: command, parents: parents, path: path)
}

/// Parses the options of a command with subcommands (no positional arguments).
private func parseOptions(
    _ arguments: [String], of declared: [Declaration], command: [String]
)
    throws
{
    _ = try parseArguments(arguments, into: declared, command: command)
}

/// Parses the arguments of one command into its declarations; returns true when they ask for
/// help instead.
/// - Throws: ``ArgumentError`` for unknown or repeated options, missing or bad values, missing
///   required options, and surplus or missing positional arguments.
func parseArguments(
    _ arguments: [String], into declared: [Declaration], command path: [String]
) throws -> Bool {
    let command = path.joined(separator: " ")
    if arguments.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) {
        return true
    }
    let options = declared.filter { $0.kind == .option }
    let flags = declared.filter { $0.kind == .flag }
    let positionals = declared.filter { $0.kind == .positional }
    var given = Set<String>()
    var positionalCount = 0
    var index = 0
    var terminated = false
    func addPositional(_ value: String) throws {
        if positionalCount == positionals.count, positionals.last?.isRepeating == true {
            try positionals[positionalCount - 1].assign(value)
            return
        }
        guard positionalCount < positionals.count else {
            throw ArgumentError.unexpectedArgument(value, command: command)
        }
        try positionals[positionalCount].assign(value)
        given.insert(positionals[positionalCount].name)
        positionalCount += 1
    }
    while index < arguments.count {
        let argument = arguments[index]
        index += 1
        if terminated || !argument.hasPrefix("-") || argument == "-" || isNumber(argument) {
            try addPositional(argument)
            continue
        }
        if argument == "--" {
            terminated = true
            continue
        }
        let body = argument.drop { $0 == "-" }
        let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        let inline = parts.count > 1 ? String(parts[1]) : nil
        if let option = options.first(where: { $0.name == name }), argument.hasPrefix("--") {
            guard given.insert(name).inserted else { throw ArgumentError.repeatedOption(name) }
            let value: String
            if let inline {
                value = inline
            } else if index < arguments.count, !isOptionLike(arguments[index]) {
                value = arguments[index]
                index += 1
            } else {
                throw ArgumentError.missingValue(option: name, valueName: option.valueName)
            }
            try option.assign(value)
        } else if let flag = flags.first(where: { $0.name == name }), argument.hasPrefix("--") {
            guard inline == nil else { throw ArgumentError.flagWithValue(name) }
            guard given.insert(name).inserted else { throw ArgumentError.repeatedOption(name) }
            try flag.assign("")
        } else {
            let known = options.map { "--" + $0.name } + flags.map { "--" + $0.name } + ["--help"]
            throw ArgumentError.unknownOption(
                inline == nil ? argument : "--" + name, command: command,
                suggestion: closest(to: "--" + name, among: known))
        }
    }
    for option in options where option.isRequired && !given.contains(option.name) {
        throw ArgumentError.missingRequired(option: option.name, valueName: option.valueName)
    }
    for positional in positionals where positional.isRequired && !given.contains(positional.name) {
        throw ArgumentError.missingPositional(positional.name)
    }
    return false
}

/// The name of an option argument (`--out=x` → `out`), or nil for a lone dash.
private func optionName(_ argument: String) -> String? {
    let body = argument.drop { $0 == "-" }
    let name = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first
    return name.map(String.init).flatMap { $0.isEmpty ? nil : $0 }
}

/// Whether `text` is a number such as `-3` or `-0.5e-3` (a value, not an option).
private func isNumber(_ text: String) -> Bool { Double(text) != nil }

/// Whether `text` looks like an option, so cannot be the value of the one before it.
private func isOptionLike(_ text: String) -> Bool {
    text.hasPrefix("-") && text != "-" && !isNumber(text)
}
