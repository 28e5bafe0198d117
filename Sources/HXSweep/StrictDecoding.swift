import Foundation
import HXIO

/// A coding key for any name, to list the keys an object really has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// The container of an object that may hold only the keys of `Keys`: any other key is an
    /// error naming the closest allowed one (``rejectUnknownKeys(in:allowed:)``).
    func strictContainer<Keys: CodingKey & CaseIterable>(
        keyedBy keys: Keys.Type
    ) throws -> KeyedDecodingContainer<Keys> {
        try rejectUnknownKeys(in: self, allowed: Keys.allCases.map(\.stringValue))
        return try container(keyedBy: keys)
    }
}

/// Throws a decoding error for any key of the object being decoded that is not in `allowed`,
/// suggesting the closest allowed one: a typo such as `"axis"` for `"axes"` must not be
/// silently ignored, or a sweep would run with defaults the user did not mean.
func rejectUnknownKeys(in decoder: any Decoder, allowed: [String]) throws {
    let container = try decoder.container(keyedBy: AnyCodingKey.self)
    for key in container.allKeys where !allowed.contains(key.stringValue) {
        let hint = closestName(to: key.stringValue, among: allowed).map {
            ", " + Spelling.didYouMean($0)
        }
        throw DecodingError.dataCorrupted(
            DecodingError.Context(
                codingPath: decoder.codingPath + [key],
                debugDescription:
                    "unknown key '\(key.stringValue)'\(hint ?? "") (allowed: "
                    + allowed.joined(separator: ", ") + ")"))
    }
}
