/// Text taken from a file, made safe for a one-line message: control characters (a NUL, a line
/// break, a terminal escape) are shown as `\u{…}`, so that a damaged value cannot end the
/// message or pass for a number on a terminal, and anything beyond 40 characters is cut with
/// "…".
public func printableText(_ text: some StringProtocol) -> String {
    var result = ""
    for scalar in text.prefix(160).unicodeScalars {
        if scalar.value < 0x20 || scalar.value == 0x7F {
            result += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result.count > 40 ? String(result.prefix(40)) + "…" : result
}
