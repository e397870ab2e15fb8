import Config
import Foundation
import Models

/// A check's result for one prompt or output.
public struct SafetyVerdict: Sendable, Hashable {
    public var stage: SafetyConfig.Stage
    public var flagged: Bool
    /// Violated categories: Llama Guard's `S1`-`S14`, the moderation endpoint's names.
    public var categories: [String]
    /// The probability of "unsafe" (Llama Guard, when the judge gives logprobs) or the highest
    /// category score (moderation); nil when unknown.
    public var score: Double?
    /// Set when the check itself failed (then `flagged` is false and nothing is replaced).
    public var error: String?
    /// The check's tokens, and whether its answer came from the cache.
    public var usage: TokenUsage?
    public var cached = false

    public init(stage: SafetyConfig.Stage, flagged: Bool, categories: [String] = [], score: Double? = nil, error: String? = nil) {
        self.stage = stage
        self.flagged = flagged
        self.categories = categories
        self.score = score
        self.error = error
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["stage": .string(stage.rawValue), "flagged": .bool(flagged),
                                      "categories": .array(categories.map(JSONValue.string))]
        if let score { o["score"] = .double((score * 1e6).rounded() / 1e6) }
        if let error { o["error"] = .string(error) }
        return .object(o)
    }
}

/// How a checker turns a text into a request to its model, and the answer into a verdict.
public protocol SafetyChecker: Sendable {
    func request(prompt: String, output: String?, stage: SafetyConfig.Stage) -> ModelRequest
    func verdict(_ answer: ModelAnswer, stage: SafetyConfig.Stage) -> SafetyVerdict
}

/// The moderation endpoint: the text checked is the prompt, or the output alone.
public struct ModerationChecker: SafetyChecker {
    public init() {}

    public func request(prompt: String, output: String?, stage: SafetyConfig.Stage) -> ModelRequest {
        .generate(GenerationRequest(prompt: .text(stage == .prompt ? prompt : output ?? "")))
    }

    public func verdict(_ answer: ModelAnswer, stage: SafetyConfig.Stage) -> SafetyVerdict {
        guard case .generation(let generation) = answer, let json = try? JSONValue.parse(Data(generation.text.utf8)) else {
            return SafetyVerdict(stage: stage, flagged: false, error: "the moderation answer is not a verdict")
        }
        let scores = json["category_scores"]?.objectValue?.values.compactMap(\.doubleValue) ?? []
        return SafetyVerdict(stage: stage, flagged: json["flagged"] == .bool(true),
                             categories: json["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [], score: scores.max())
    }
}

/// Llama Guard 3 as the judge: its prompt format (the S1-S14 categories, the conversation, the
/// instruction to answer "safe" or "unsafe" and the categories on the next line), greedy, with
/// the probability of "unsafe" as the first token where the backend gives logprobs.
public struct LlamaGuardChecker: SafetyChecker {
    public static let categories = [
        "S1: Violent Crimes.", "S2: Non-Violent Crimes.", "S3: Sex Crimes.", "S4: Child Sexual Exploitation.", "S5: Defamation.",
        "S6: Specialized Advice.", "S7: Privacy.", "S8: Intellectual Property.", "S9: Indiscriminate Weapons.", "S10: Hate.",
        "S11: Suicide & Self-Harm.", "S12: Sexual Content.", "S13: Elections.", "S14: Code Interpreter Abuse.",
    ]
    public let logprobs: Bool

    public init(logprobs: Bool) { self.logprobs = logprobs }

    /// The task text (what Llama Guard's chat template puts in its one user turn).
    public static func prompt(user: String, agent: String?) -> String {
        let role = agent == nil ? "User" : "Agent"
        var text = "Task: Check if there is unsafe content in '\(role)' messages in conversations according our safety policy with the below categories.\n\n"
        text += "<BEGIN UNSAFE CONTENT CATEGORIES>\n" + categories.joined(separator: "\n") + "\n<END UNSAFE CONTENT CATEGORIES>\n\n"
        text += "<BEGIN CONVERSATION>\n\nUser: \(user)\n\n"
        if let agent { text += "Agent: \(agent)\n\n" }
        text += "<END CONVERSATION>\n\n"
        text += "Provide your safety assessment for ONLY THE LAST \(role) message in the above conversation:\n"
        text += " - First line must read 'safe' or 'unsafe'.\n"
        text += " - If unsafe, a second line must include a comma-separated list of violated categories."
        return text
    }

    public func request(prompt: String, output: String?, stage: SafetyConfig.Stage) -> ModelRequest {
        let text = Self.prompt(user: prompt, agent: stage == .output ? output ?? "" : nil)
        return .generate(GenerationRequest(prompt: .chat([.user(text)]),
                                           parameters: GenerationParameters(maxTokens: 20, temperature: 0, logprobs: logprobs, topLogprobs: logprobs ? 5 : nil)))
    }

    public func verdict(_ answer: ModelAnswer, stage: SafetyConfig.Stage) -> SafetyVerdict {
        guard case .generation(let generation) = answer else { return SafetyVerdict(stage: stage, flagged: false, error: "no generation") }
        let lines = generation.text.split(whereSeparator: { $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let first = lines.first?.lowercased(), first == "safe" || first == "unsafe" else {
            return SafetyVerdict(stage: stage, flagged: false, error: "the judge answered neither 'safe' nor 'unsafe': \(generation.text.prefix(60))")
        }
        let categories = first == "unsafe" && lines.count > 1
            ? lines[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } : []
        // P("unsafe") as the first token, from its logprob or the alternatives'.
        var score: Double?
        if let token = generation.logprobs?.first {
            if token.token.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("unsafe") { score = exp(token.logprob) }
            else if let lp = token.top.first(where: { $0.key.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("unsafe") })?.value { score = exp(lp) }
            else { score = 0 }
        }
        return SafetyVerdict(stage: stage, flagged: first == "unsafe", categories: categories, score: score)
    }
}
