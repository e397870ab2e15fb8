/// A string-valued setting with a fixed set of choices (a scoring mode, a cache mode).
///
/// Decoding a value outside the set is an error that names the key and lists the choices,
/// with a did-you-mean for near misses.
public protocol ConfigEnum: RawRepresentable, CaseIterable, Decodable, Sendable where RawValue == String {}

extension ConfigEnum {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: raw) else {
            let choices = Self.allCases.map(\.rawValue)
            let path = KeyPath(decoder.codingPath.map(\.stringValue))
            var hint = "choose one of: \(choices.joined(separator: ", "))"
            hint = DidYouMean.hint(raw, among: choices, then: hint)
            throw ConfigError(.invalidValue, "'\(path)' must be one of \(choices.joined(separator: ", ")), not '\(raw)'",
                              keyPath: path.description, location: (decoder as? NodeDecoder)?.node.location, hint: hint)
        }
        self = value
    }
}
