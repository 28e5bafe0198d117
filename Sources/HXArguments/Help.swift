/// The help of a command, generated from its configuration and declarations: the summary, the
/// usage line, the arguments, and the options with their ranges, choices and defaults (or the
/// subcommands of a command that has them).
func usage(
    of type: any ParsableCommand.Type, _ declared: [Declaration], path: [String]
) -> String {
    let configuration = type.configuration
    let command = path.joined(separator: " ")
    var text = "\(command): \(configuration.summary)\n"
    if let discussion = configuration.discussion { text += "\n\(discussion)\n" }
    let options = declared.filter { $0.kind != .positional }
    let positionals = declared.filter { $0.kind == .positional }
    if !configuration.subcommands.isEmpty {
        let own = options.isEmpty ? "" : " [options]"
        text += "\nUSAGE: \(command)\(own) <subcommand> [options]\n\nSUBCOMMANDS:\n"
        text += table(
            configuration.subcommands.map { ($0.configuration.name, $0.configuration.summary) })
        if !options.isEmpty { text += "\nOPTIONS:\n" + table(options.map(row)) }
        return text + "\nSee '\(command) <subcommand> --help' for a subcommand's options.\n"
    }
    // Options before flags, each in declaration order.
    let ordered = options.filter { $0.kind == .option } + options.filter { $0.kind == .flag }
    var line = "USAGE: \(command)"
    for option in ordered {
        let part =
            option.kind == .flag ? "--\(option.name)" : "--\(option.name) <\(option.valueName)>"
        line += option.isRequired ? " \(part)" : " [\(part)]"
    }
    for positional in positionals {
        let shown = "<\(positional.name)>" + (positional.isRepeating ? "..." : "")
        line += positional.isRequired ? " \(shown)" : " [\(shown)]"
    }
    text += "\n\(line)\n"
    if !positionals.isEmpty {
        text += "\nARGUMENTS:\n" + table(positionals.map { ("<\($0.name)>", $0.help) })
    }
    let rows = ordered.map(row) + [("-h, --help", "Show this help.")]
    return text + "\nOPTIONS:\n" + table(rows)
}

/// An option's or flag's row: its spelling, and its help with choices or range, default and
/// whether it is required.
private func row(_ declaration: Declaration) -> (String, String) {
    guard declaration.kind == .option else { return ("--\(declaration.name)", declaration.help) }
    var notes = declaration.notes
    if let value = declaration.defaultText { notes.append("default: \(value)") }
    if declaration.isRequired { notes.append("required") }
    let help = declaration.help + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")")
    return ("--\(declaration.name) <\(declaration.valueName)>", help)
}

/// Two aligned columns, indented by two spaces; long left entries put their help below.
private func table(_ rows: [(String, String)]) -> String {
    let width = min(28, rows.map(\.0.count).max() ?? 0)
    return rows.map { left, right in
        if left.count > width {
            return "  \(left)\n  " + String(repeating: " ", count: width + 2) + right + "\n"
        }
        return "  " + left + String(repeating: " ", count: width - left.count + 2) + right + "\n"
    }.joined()
}
