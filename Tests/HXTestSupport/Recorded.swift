import Foundation

/// Values a `@Sendable` closure hands over (progress lines, fractions, calls), from whichever
/// thread calls it, read afterwards.
public final class Recorded<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Value] = []

    public init() {}

    /// Appends `value`; returns how many values there are now (a fake clock can count on it).
    @discardableResult
    public func append(_ value: Value) -> Int {
        lock.withLock {
            stored.append(value)
            return stored.count
        }
    }

    /// The values so far, in the order they came.
    public var values: [Value] { lock.withLock { stored } }
}
