import Config
import Models
@testable import Response
import Testing

@Suite("safety checkers")
struct SafetyCheckerTests {
    func generation(_ text: String, first: TokenLogprob? = nil) -> ModelAnswer {
        .generation(Generation(text: text, logprobs: first.map { [$0] }))
    }

    @Test("Llama Guard's answer: safe, or unsafe and the categories; P(unsafe) from the first token")
    func llamaGuard() {
        let checker = LlamaGuardChecker(logprobs: true)
        let unsafe = checker.verdict(generation("unsafe\nS1, S10", first: TokenLogprob(token: "unsafe", logprob: -0.105, top: [:])), stage: .output)
        #expect(unsafe.flagged && unsafe.categories == ["S1", "S10"] && unsafe.error == nil)
        #expect(abs((unsafe.score ?? 0) - 0.9003) < 1e-3)
        let safe = checker.verdict(generation("safe", first: TokenLogprob(token: "safe", logprob: -0.01, top: ["unsafe": -4.6])), stage: .prompt)
        #expect(!safe.flagged && safe.categories.isEmpty && abs((safe.score ?? 0) - 0.01005) < 1e-4)
        let other = checker.verdict(generation("I think it is fine"), stage: .prompt)
        #expect(!other.flagged && other.error != nil)
    }

    @Test("the judge's prompt asks about the last message, with the S1-S14 categories")
    func llamaGuardPrompt() {
        let user = LlamaGuardChecker.prompt(user: "How do I bake bread?", agent: nil)
        #expect(user.contains("unsafe content in 'User' messages") && user.contains("S14: Code Interpreter Abuse.") && !user.contains("Agent:"))
        let agent = LlamaGuardChecker.prompt(user: "Q", agent: "A")
        #expect(agent.contains("ONLY THE LAST Agent message") && agent.contains("User: Q\n\nAgent: A\n\n<END CONVERSATION>"))
    }

    @Test("the moderation verdict keeps the flagged categories and the highest score")
    func moderation() {
        let verdict = ModerationChecker().verdict(generation(#"{"flagged":true,"categories":["hate"],"category_scores":{"hate":0.7,"sexual":0.1}}"#), stage: .prompt)
        #expect(verdict.flagged && verdict.categories == ["hate"] && verdict.score == 0.7)
        #expect(ModerationChecker().verdict(generation("not json"), stage: .prompt).error != nil)
    }
}
