/// The description of the error `body` throws, or `nil` when it returns: for tests that check
/// the one-line message a user sees.
public func errorText<Result>(_ body: () throws -> Result) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return "\(error)"
    }
}
