/// One value per hemisphere of a chip: index 0 and index 1, and nothing else.
///
/// A chip has exactly two hemispheres (``ChipGeometry/hemispheres``), so what is given or
/// returned per hemisphere is a pair by type rather than an array whose length is checked at
/// run time. It is a collection of two elements, so `pair[h]`, `for value in pair`,
/// `enumerated()` and `compactMap` work as on an array, and an array literal of two elements
/// (`[inputs, nil]`) makes one.
public struct HemispherePair<Element>: RandomAccessCollection, MutableCollection {
    // Not `first`/`last`: those are the collection's optional ends.
    private var zero: Element
    private var one: Element

    /// A pair of the values of hemisphere 0 and hemisphere 1.
    public init(_ zero: Element, _ one: Element) {
        self.zero = zero
        self.one = one
    }

    /// The same value for both hemispheres.
    public init(repeating value: Element) {
        self.init(value, value)
    }

    /// The value of each hemisphere, made from its index.
    public init(_ make: (Int) throws -> Element) rethrows {
        self.init(try make(0), try make(1))
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { 2 }

    /// The value of hemisphere `index` (0 or 1; other indices are a programming error, as for
    /// an array).
    public subscript(index: Int) -> Element {
        get {
            precondition(index == 0 || index == 1, "hemisphere \(index) does not exist")
            return index == 0 ? zero : one
        }
        set {
            precondition(index == 0 || index == 1, "hemisphere \(index) does not exist")
            if index == 0 { zero = newValue } else { one = newValue }
        }
    }

    /// The pair of `transform` applied to each value.
    public func map<T>(_ transform: (Element) throws -> T) rethrows -> HemispherePair<T> {
        HemispherePair<T>(try transform(zero), try transform(one))
    }
}

extension HemispherePair: ExpressibleByArrayLiteral {
    /// A pair from a literal of exactly two elements, `[hemisphere 0, hemisphere 1]`. A literal
    /// is written in code, so another count is a programming error (as an index out of range
    /// is), caught the first time the line runs.
    public init(arrayLiteral elements: Element...) {
        precondition(
            elements.count == 2, "a hemisphere pair has two elements, got \(elements.count)")
        self.init(elements[0], elements[1])
    }
}

extension HemispherePair: Sendable where Element: Sendable {}
extension HemispherePair: Equatable where Element: Equatable {}
extension HemispherePair: Hashable where Element: Hashable {}
