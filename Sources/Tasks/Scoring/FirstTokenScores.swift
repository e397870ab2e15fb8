import Models

/// Scores options by the log probabilities of the first answer token (`chat_logprobs`): the
/// best logprob among the top alternatives that spell each option's key (" B", "B", "(B").
///
/// This is how a chat-only API can be scored like a loglikelihood model: one request, one
/// token, and the server's `top_logprobs` (lm-evaluation-harness issue #1662).
public enum FirstTokenScores {
    /// The logprob of each key that appears among the first token's alternatives.
    public static func scores(_ logprobs: [TokenLogprob], keys: [String], keysAreLetters: Bool) -> [String: Double] {
        guard let first = logprobs.first(where: { !$0.token.allSatisfy { $0.isWhitespace } }) ?? logprobs.first else { return [:] }
        var candidates = first.top
        if candidates[first.token] == nil { candidates[first.token] = first.logprob }
        var best: [String: Double] = [:]
        for (token, logprob) in candidates {
            guard let key = key(of: token, keys: keys, keysAreLetters: keysAreLetters) else { continue }
            best[key] = max(best[key] ?? -.infinity, logprob)
        }
        return best
    }

    static func key(of token: String, keys: [String], keysAreLetters: Bool) -> String? {
        var t = Substring(token)
        while let c = t.first, c.isWhitespace || "([*\"'".contains(c) { t = t.dropFirst() }
        while let c = t.last, c.isWhitespace || ")].:,*\"'".contains(c) { t = t.dropLast() }
        if keysAreLetters { return keys.contains(String(t)) ? String(t) : nil }
        // Labels: the token may be the whole label or its first piece ("may" for "maybe").
        let lower = t.lowercased()
        if lower.isEmpty { return nil }
        if let exact = keys.first(where: { $0.lowercased() == lower }) { return exact }
        let prefixed = keys.filter { $0.lowercased().hasPrefix(lower) }
        return prefixed.count == 1 && lower.count >= 2 ? prefixed[0] : nil
    }
}
