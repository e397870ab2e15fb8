import Foundation

/// Deterministic answers and token streams, so tests can predict every number.
enum FakeAnswers {
    /// FNV-1a, stable across runs and platforms.
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100000001b3 }
        return h
    }

    /// The answer to a prompt: `[answer:TEXT]` in the prompt makes TEXT the answer; otherwise
    /// one of the words a prompt asks to choose from (`Answer with one word: yes, no, maybe.`),
    /// else one of A-D, chosen by the prompt's hash (for multiple-choice tasks).
    static func answer(to prompt: String) -> String {
        // Asked as Llama Guard: judge the last message of the conversation it was given.
        if prompt.contains("Task: Check if there is unsafe content") {
            return isUnsafe(lastGuardMessage(prompt)) ? "unsafe\nS1,S10" : "safe"
        }
        if let start = prompt.range(of: "[answer:"), let end = prompt[start.upperBound...].firstIndex(of: "]") {
            return String(prompt[start.upperBound..<end])
        }
        // Fixed word answers (`Answer with one word: yes, no, maybe.`): one of those words.
        if let start = prompt.range(of: "Answer with one word: ", options: .backwards) {
            let words = prompt[start.upperBound...].prefix { $0 != "." && $0 != "\n" }
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if !words.isEmpty { return words[Int(hash(prompt) % UInt64(words.count))] }
        }
        let letters = ["A", "B", "C", "D"]
        return letters[Int(hash(prompt) % 4)]
    }

    /// What the fake safety checks flag: a text holding `[unsafe]`, or starting with `UNSAFE:`
    /// (an output made so with `[answer:UNSAFE: ...]`, whose prompt is then not flagged itself).
    static func isUnsafe(_ text: String) -> Bool {
        text.contains("[unsafe]") || text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("UNSAFE:")
    }

    /// The message a Llama Guard prompt asks about: the Agent's when there is one, else the User's.
    static func lastGuardMessage(_ prompt: String) -> String {
        guard let start = prompt.range(of: "<BEGIN CONVERSATION>"), let end = prompt.range(of: "<END CONVERSATION>") else { return prompt }
        let conversation = String(prompt[start.upperBound..<end.lowerBound])
        if let agent = conversation.range(of: "\n\nAgent: ") { return String(conversation[agent.upperBound...]) }
        if let user = conversation.range(of: "User: ") { return String(conversation[user.upperBound...]) }
        return conversation
    }

    /// `[prefer:X]` in a prompt: echo logprobs make the continuation " X" the likeliest.
    static func preferred(in prompt: String) -> String? {
        guard let start = prompt.range(of: "[prefer:"), let end = prompt[start.upperBound...].firstIndex(of: "]") else { return nil }
        return String(prompt[start.upperBound..<end])
    }

    /// The last token's logprob under `[prefer:X]`: -0.1 when it spells X, else -2.
    static func preferenceLogprob(_ token: String, preferred: String) -> Double {
        token.trimmingCharacters(in: .whitespaces) == preferred ? -0.1 : -2.0
    }

    /// Splits text into tokens the way byte-level BPE roughly does: a word with its leading space.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for ch in text {
            if (ch == " " || ch == "\n") && !current.isEmpty && current != " " {
                tokens.append(current)
                current = ""
            }
            current.append(ch)
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// A logprob in (-3, 0] derived from the token and its position.
    static func logprob(_ token: String, position: Int) -> Double {
        -Double(hash(token + "#\(position)") % 3000) / 1000.0
    }

    /// The top alternative at a position: the token itself, unless `[nongreedy]` is in the
    /// prompt and this is a continuation token.
    static func top(_ token: String, position: Int, greedy: Bool) -> [String: Double] {
        let lp = logprob(token, position: position)
        if greedy { return [token: lp] }
        return [token: lp, "<other>": lp + 0.5]
    }
}
