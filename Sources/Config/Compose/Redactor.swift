/// Hides secrets before a config is printed or written: values of keys named like
/// credentials (`api_key`, `token`, `password`, ...) become `'***'`.
///
/// Interpolations such as `${oc.env:OPENAI_API_KEY}` are left alone when unresolved: they
/// name where the secret is, not the secret.
public enum Redactor {
    public static let mask = "***"

    private static let exactNames: Set<String> = [
        "api_key", "apikey", "api-key", "token", "access_token", "auth_token", "aa_token", "hf_token",
        "secret", "client_secret", "secret_key", "password", "passwd", "authorization", "bearer",
    ]
    private static let tokenizerTokens: Set<String> = [
        "bos_token", "eos_token", "pad_token", "unk_token", "sep_token", "cls_token", "mask_token",
    ]

    /// True for key names that hold credentials.
    public static func isSecretKey(_ key: String) -> Bool {
        let k = key.lowercased()
        if tokenizerTokens.contains(k) { return false }
        return exactNames.contains(k) || k.hasSuffix("_api_key") || k.hasSuffix("_secret") || k.hasSuffix("_password")
            || (k.hasSuffix("_token") && !k.hasPrefix("max_"))
    }

    /// A copy of `node` with secret values masked.
    public static func redact(_ node: ConfigNode) -> ConfigNode {
        switch node.value {
        case .mapping(let m):
            var out = m  // keeps key order and key kinds
            for (key, value) in m {
                if isSecretKey(key), case .string(let s) = value.value, !s.isEmpty, !s.contains("${"), s != missingValueMarker {
                    out[key] = ConfigNode(.string(mask), location: value.location)
                } else if case .string(let s) = value.value, let masked = maskingURLPassword(s) {
                    out[key] = ConfigNode(.string(masked), location: value.location)
                } else {
                    out[key] = redact(value)
                }
            }
            return ConfigNode(.mapping(out), location: node.location)
        case .sequence(let items):
            return ConfigNode(.sequence(items.map(redact)), location: node.location)
        default:
            return node
        }
    }

    /// The first key whose value ``redact(_:)`` would mask, depth first; nil when the config
    /// holds no literal secret (an unresolved `${oc.env:...}` is none).
    public static func firstSecretPath(in node: ConfigNode, at path: KeyPath = .root) -> KeyPath? {
        switch node.value {
        case .mapping(let m):
            for (key, value) in m {
                if let masked = redact(ConfigNode(.mapping(ConfigMapping([(key, value)])))).mapping?[key], masked != value {
                    if value.mapping == nil && value.sequence == nil { return path.appending(key) }
                }
                if let deeper = firstSecretPath(in: value, at: path.appending(key)) { return deeper }
            }
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                if let deeper = firstSecretPath(in: item, at: path.appending(String(index))) { return deeper }
            }
        default:
            break
        }
        return nil
    }

    /// An override as typed, with the value hidden when the key names a secret.
    public static func redact(override text: String) -> String {
        guard let eq = text.firstIndex(of: "=") else { return text }
        let key = text[..<eq].split(separator: ".").last.map(String.init) ?? ""
        let bare = key.split(separator: "@").first.map(String.init) ?? key
        if isSecretKey(bare.trimmingCharacters(in: "+~")) { return text[...eq] + mask }
        return maskingURLPassword(text) ?? text
    }

    /// `postgresql://user:PASS@host/db` with the password masked; nil when `text` holds no
    /// URL with a password.
    public static func maskingURLPassword(_ text: String) -> String? {
        var index = text.startIndex
        var authorityStart: String.Index?
        while index < text.endIndex, authorityStart == nil {
            if text[index...].hasPrefix("://") { authorityStart = text.index(index, offsetBy: 3) }
            index = text.index(after: index)
        }
        guard let start = authorityStart else { return nil }
        let authorityEnd = text[start...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? text.endIndex
        guard let at = text[start..<authorityEnd].lastIndex(of: "@"),
              let colon = text[start..<at].firstIndex(of: ":") else { return nil }
        return String(text[...colon]) + mask + String(text[at...])
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) })
    }
}
