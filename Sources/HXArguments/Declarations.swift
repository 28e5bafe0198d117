/// The property wrappers a command declares its arguments with, in the manner of
/// swift-argument-parser: `@Option(help: "…") var count = 1` states the name (the property's, in
/// kebab case: `numSends` is `--num-sends`), the type, the default and the help once, and the
/// command reads the parsed value through the same property. A range given with `in:` is
/// checked while parsing and shown in the help; so are the choices of an enumeration.
///
/// The parser finds the declarations by reflecting over a fresh instance of the command
/// (`init()`), in declaration order, and fills each wrapper's storage, which the wrapper shares
/// with every copy of the command.

/// Storage shared by a wrapper and its copies, filled once by the parser before the command runs.
final class ArgumentBox<Value>: @unchecked Sendable {
    var value: Value?
}

/// One declared argument, as the parser and the help see it.
struct Declaration {
    enum Kind { case option, flag, positional }

    var kind: Kind
    /// Option or flag name without dashes, or a positional argument's name in usage.
    var name: String
    /// The placeholder in usage, for example `N` or `FILE`.
    var valueName: String
    var help: String
    /// Choices and range, shown after the help.
    var notes: [String]
    /// The default as help shows it.
    var defaultText: String?
    var isRequired: Bool
    var isRepeating: Bool
    /// Reads and stores the text given for it (empty for a flag).
    var assign: (String) throws -> Void
}

/// A value that declares command-line arguments: a wrapper, or a group of them.
protocol DeclaresArguments {
    /// The declarations of a property labelled `label` (`_numSends`).
    func declarations(label: String) -> [Declaration]
}

/// The declarations of `value`'s wrapped properties, in declaration order.
func declarations(of value: Any) -> [Declaration] {
    Mirror(reflecting: value).children.flatMap { child -> [Declaration] in
        guard let label = child.label, let declaring = child.value as? any DeclaresArguments else {
            return []
        }
        return declaring.declarations(label: label)
    }
}

/// `_numSends` → `num-sends`.
func kebabCase(_ label: String) -> String {
    var name = ""
    for character in label.drop(while: { $0 == "_" }) {
        if character.isUppercase {
            if !name.isEmpty { name.append("-") }
            name.append(Character(character.lowercased()))
        } else {
            name.append(character)
        }
    }
    return name
}

/// The placeholder a value of `type` gets unless the declaration names one.
func defaultValueName(_ type: any ArgumentValue.Type) -> String {
    switch type.expectation {
    case .integer, .nonNegativeInteger: return "N"
    case .number: return "X"
    case .choice: return "NAME"
    case .text, .form: return "VALUE"
    }
}

/// The values an option may take: a closed range (`1...255`, shown `1…255`) or a lower bound
/// (`0...`, shown `≥ 0`).
public protocol ArgumentRange<Bound> {
    associatedtype Bound: Comparable
    /// Whether `value` is allowed.
    func contains(_ value: Bound) -> Bool
    /// The range as help and errors show it.
    var text: String { get }
}

extension ClosedRange: ArgumentRange {
    public var text: String { "\(lowerBound)…\(upperBound)" }
}

extension PartialRangeFrom: ArgumentRange {
    public var text: String { "≥ \(lowerBound)" }
}

/// A value read from `text` for the argument `name`, checked against `range`.
func readValue<T: ArgumentValue>(
    _ type: T.Type, _ text: String, name: String, range: (any ArgumentRange<T>)? = nil
) throws -> T {
    guard let value = T(argument: text) else {
        throw T.expectation.error(option: name, got: text)
    }
    if let range, !range.contains(value) {
        throw ArgumentError.outOfRange(option: name, got: text, allowed: range.text)
    }
    return value
}

/// An option that takes a value: `--name VALUE` or `--name=VALUE`.
///
/// With an initial value the option has that default; without one it is required, unless its
/// type is optional (`var threads: Int?`), when it is nil unless given.
@propertyWrapper
public struct Option<Value>: DeclaresArguments {
    let box = ArgumentBox<Value>()
    let name: String?
    let valueName: String
    let help: String
    let defaultValue: Value?
    let defaultText: String?
    let isRequired: Bool
    let notes: [String]
    let read: (String, String) throws -> Value

    /// The parsed value, or the default.
    public var wrappedValue: Value {
        guard let value = box.value ?? defaultValue else {
            preconditionFailure("the required option --\(name ?? "?") was read before parsing")
        }
        return value
    }

    private init(
        name: String?, valueName: String, help: String, defaultValue: Value?,
        defaultText: String?, isRequired: Bool, notes: [String],
        read: @escaping (String, String) throws -> Value
    ) {
        self.name = name
        self.valueName = valueName
        self.help = help
        self.defaultValue = defaultValue
        self.defaultText = defaultText
        self.isRequired = isRequired
        self.notes = notes
        self.read = read
    }

    func declarations(label: String) -> [Declaration] {
        let box = self.box
        let read = self.read
        let name = self.name ?? kebabCase(label)
        return [
            Declaration(
                kind: .option, name: name, valueName: valueName, help: help, notes: notes,
                defaultText: defaultText, isRequired: isRequired, isRepeating: false,
                assign: { box.value = try read($0, name) })
        ]
    }
}

extension Option where Value: ArgumentValue {
    /// An option with a default, the property's initial value.
    public init(
        wrappedValue: Value, name: String? = nil, valueName: String? = nil, help: String
    ) {
        self.init(
            name: name, valueName: valueName ?? defaultValueName(Value.self), help: help,
            defaultValue: wrappedValue, defaultText: wrappedValue.argumentText, isRequired: false,
            notes: choiceNotes(Value.self),
            read: { try readValue(Value.self, $0, name: $1) })
    }

    /// An option with a default and the range it must lie in.
    public init(
        wrappedValue: Value, name: String? = nil, valueName: String? = nil, help: String,
        in range: some ArgumentRange<Value>
    ) {
        self.init(
            name: name, valueName: valueName ?? defaultValueName(Value.self), help: help,
            defaultValue: wrappedValue, defaultText: wrappedValue.argumentText, isRequired: false,
            notes: [range.text],
            read: { try readValue(Value.self, $0, name: $1, range: range) })
    }

    /// A required option that must lie in `range`.
    public init(
        name: String? = nil, valueName: String? = nil, help: String,
        in range: some ArgumentRange<Value>
    ) {
        self.init(
            name: name, valueName: valueName ?? defaultValueName(Value.self), help: help,
            defaultValue: nil, defaultText: nil, isRequired: true, notes: [range.text],
            read: { try readValue(Value.self, $0, name: $1, range: range) })
    }

    /// A required option.
    public init(name: String? = nil, valueName: String? = nil, help: String) {
        self.init(
            name: name, valueName: valueName ?? defaultValueName(Value.self), help: help,
            defaultValue: nil, defaultText: nil, isRequired: true, notes: choiceNotes(Value.self),
            read: { try readValue(Value.self, $0, name: $1) })
    }
}

extension Option {
    /// An option that is nil unless given.
    public init<Wrapped: ArgumentValue>(
        name: String? = nil, valueName: String? = nil, help: String
    ) where Value == Wrapped? {
        self.init(
            name: name, valueName: valueName ?? defaultValueName(Wrapped.self), help: help,
            defaultValue: .some(nil), defaultText: nil, isRequired: false,
            notes: choiceNotes(Wrapped.self),
            read: { try readValue(Wrapped.self, $0, name: $1) })
    }

    /// An option that is nil unless given, and then must lie in `range`.
    public init<Wrapped: ArgumentValue>(
        name: String? = nil, valueName: String? = nil, help: String,
        in range: some ArgumentRange<Wrapped>
    ) where Value == Wrapped? {
        self.init(
            name: name, valueName: valueName ?? defaultValueName(Wrapped.self), help: help,
            defaultValue: .some(nil), defaultText: nil, isRequired: false,
            notes: [range.text],
            read: { try readValue(Wrapped.self, $0, name: $1, range: range) })
    }
}

/// The "one of: …" note of an enumeration's option.
private func choiceNotes(_ type: any ArgumentValue.Type) -> [String] {
    if case .choice(let words) = type.expectation {
        return ["one of: " + words.joined(separator: ", ")]
    }
    return []
}

/// A flag: `--name`, true when given.
@propertyWrapper
public struct Flag: DeclaresArguments {
    let box = ArgumentBox<Bool>()
    let name: String?
    let help: String

    /// Whether the flag was given.
    public var wrappedValue: Bool { box.value ?? false }

    /// A flag, false unless given.
    public init(wrappedValue: Bool = false, name: String? = nil, help: String) {
        self.name = name
        self.help = help
    }

    func declarations(label: String) -> [Declaration] {
        let box = self.box
        return [
            Declaration(
                kind: .flag, name: name ?? kebabCase(label), valueName: "", help: help, notes: [],
                defaultText: nil, isRequired: false, isRepeating: false,
                assign: { _ in box.value = true })
        ]
    }
}

/// A positional argument, taken in declaration order: required, optional (`String?`), or
/// repeating (`[String]`, the last one only), which takes every remaining argument.
@propertyWrapper
public struct Argument<Value>: DeclaresArguments {
    let box = ArgumentBox<Value>()
    let name: String?
    let help: String
    let empty: Value?
    let isRequired: Bool
    let isRepeating: Bool
    let store: (ArgumentBox<Value>, String, String) throws -> Void

    /// The parsed value.
    public var wrappedValue: Value {
        guard let value = box.value ?? empty else {
            preconditionFailure("the required argument <\(name ?? "?")> was read before parsing")
        }
        return value
    }

    func declarations(label: String) -> [Declaration] {
        let (box, store) = (self.box, self.store)
        let name = self.name ?? kebabCase(label)
        return [
            Declaration(
                kind: .positional, name: name, valueName: name, help: help, notes: [],
                defaultText: nil, isRequired: isRequired, isRepeating: isRepeating,
                assign: { try store(box, $0, name) })
        ]
    }
}

extension Argument where Value: ArgumentValue {
    /// A required positional argument.
    public init(name: String? = nil, help: String) {
        self.name = name
        self.help = help
        self.empty = nil
        self.isRequired = true
        self.isRepeating = false
        self.store = { box, text, name in
            box.value = try readValue(Value.self, text, name: name)
        }
    }
}

extension Argument {
    /// An optional positional argument, nil unless given.
    public init<Wrapped: ArgumentValue>(name: String? = nil, help: String)
    where Value == Wrapped? {
        self.name = name
        self.help = help
        self.empty = .some(nil)
        self.isRequired = false
        self.isRepeating = false
        self.store = { box, text, name in
            box.value = try readValue(Wrapped.self, text, name: name)
        }
    }

    /// A repeating positional argument: every remaining argument, in order (none when absent).
    public init<Element: ArgumentValue>(name: String? = nil, help: String)
    where Value == [Element] {
        self.name = name
        self.help = help
        self.empty = []
        self.isRequired = false
        self.isRepeating = true
        self.store = { box, text, name in
            let value = try readValue(Element.self, text, name: name)
            box.value = (box.value ?? []) + [value]
        }
    }
}

/// Arguments that several commands share, declared once in a ``ParsableArguments`` type and
/// included with `@OptionGroup var chip: ChipOptions`.
@propertyWrapper
public struct OptionGroup<Group: ParsableArguments>: DeclaresArguments {
    /// The group, filled by the parser.
    public let wrappedValue: Group

    /// The group's declarations, in their order, at this place of the command.
    public init() { wrappedValue = Group() }

    func declarations(label: String) -> [Declaration] { HXArguments.declarations(of: wrappedValue) }
}
