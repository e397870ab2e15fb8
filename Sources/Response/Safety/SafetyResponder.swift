import Config
import Foundation
import Models

/// The run's responder with safety checks around it: the prompts are checked before the model
/// is asked (an unsafe one is skipped or answered with the safety message, as configured), the
/// outputs after (an unsafe one is recorded, replaced or skipped). Every check is a request of
/// the checker's own ResponseComponent: cached by the checker's identity, retried, rate-limited.
///
/// Only generations are checked; scoring requests (loglikelihood) pass through as they are.
/// The outcomes of a stage are gathered before the next stage starts.
public final class SafetyResponder: Responder {
    public let inner: ResponseComponent
    public let checks: ResponseComponent
    let checker: any SafetyChecker
    let settings: SafetyConfig

    public var model: any LanguageModel { inner.model }

    public init(inner: ResponseComponent, checks: ResponseComponent, checker: any SafetyChecker, settings: SafetyConfig) {
        self.inner = inner
        self.checks = checks
        self.checker = checker
        self.settings = settings
    }

    static func text(_ prompt: Prompt) -> String {
        switch prompt {
        case .text(let t): return t
        case .chat(let messages): return messages.filter { $0.role != .system }.map(\.textContent).joined(separator: "\n")
        }
    }

    /// Verdicts for `texts` (item id to (prompt, output)), one check request each.
    private func verdicts(_ texts: [(id: String, prompt: String, output: String?)], stage: SafetyConfig.Stage) async throws -> [String: SafetyVerdict] {
        let items = texts.map { ResponseItem(id: $0.id, request: checker.request(prompt: $0.prompt, output: $0.output, stage: stage)) }
        let collected = Collected<SafetyVerdict>()
        do {
            try await run(items, into: collected, stage: stage)
        } catch let stopped as RunStopped {
            // Name the checker's settings, not the evaluated model's.
            var cause = stopped.cause
            cause.message = "the safety check (\(settings.name)): " + cause.message
            cause.hint = settings.name == "moderation" ? "check safety.base_url and the key in \(settings.apiKeyEnv ?? "OPENAI_API_KEY")"
                : "check the judge: safety.judge.params (its base_url, model)"
            throw RunStopped(cause: cause)
        }
        return await collected.values
    }

    private func run(_ items: [ResponseItem], into collected: Collected<SafetyVerdict>, stage: SafetyConfig.Stage) async throws {
        try await checks.run(items) { outcome in
            let verdict: SafetyVerdict
            switch outcome.status {
            case .answered(let answer):
                var checked = self.checker.verdict(answer, stage: stage)
                checked.usage = answer.usage
                checked.cached = outcome.cached
                verdict = checked
            case .skipped(let reason): verdict = SafetyVerdict(stage: stage, flagged: false, error: "not checked: \(reason)")
            case .failed(let error): verdict = SafetyVerdict(stage: stage, flagged: false, error: "the check failed: \(error.message)")
            }
            await collected.set(outcome.id, verdict)
        }
    }

    public func run<S: Sequence & Sendable>(_ items: S, onOutcome: @escaping @Sendable (ResponseOutcome) async -> Void) async throws
    where S.Element == ResponseItem {
        let all = Array(items)
        var promptOf: [String: String] = [:]
        for item in all { if case .generate(let r) = item.request { promptOf[item.id] = Self.text(r.prompt) } }
        // Stage 1: the prompts.
        var promptVerdicts: [String: SafetyVerdict] = [:]
        if settings.check.contains(.prompt) {
            promptVerdicts = try await verdicts(promptOf.map { ($0.key, $0.value, nil) }, stage: .prompt)
        }
        var forward: [ResponseItem] = []
        for item in all {
            guard let verdict = promptVerdicts[item.id], verdict.flagged, settings.action != .record else {
                forward.append(item)
                continue
            }
            // An unsafe prompt is not sent: skipped, or answered with the safety message.
            let status: ResponseOutcome.Status = settings.action == .skip
                ? .skipped("unsafe prompt (\(verdict.categories.joined(separator: ", ")))")
                : .answered(.generation(Generation(text: settings.message, finishReason: "safety")))
            await onOutcome(ResponseOutcome(id: item.id, status: status, safety: [verdict]))
        }
        // Stage 2: the model, then its outputs.
        let checkOutputs = settings.check.contains(.output)
        let held = Collected<ResponseOutcome>()
        let checkedPrompts = promptVerdicts
        try await inner.run(forward) { outcome in
            var outcome = outcome
            if let verdict = checkedPrompts[outcome.id] { outcome.safety.append(verdict) }
            if checkOutputs, case .answered(.generation) = outcome.status { await held.set(outcome.id, outcome) } else { await onOutcome(outcome) }
        }
        guard checkOutputs else { return }
        let outcomes = await held.values
        let texts: [(id: String, prompt: String, output: String?)] = outcomes.values.compactMap { outcome in
            guard case .answered(.generation(let g)) = outcome.status else { return nil }
            return (outcome.id, promptOf[outcome.id] ?? "", g.text)
        }
        let outputVerdicts = try await verdicts(texts, stage: .output)
        for (id, outcome) in outcomes.sorted(by: { $0.key < $1.key }) {
            var outcome = outcome
            if let verdict = outputVerdicts[id] {
                outcome.safety.append(verdict)
                if verdict.flagged, case .answered(.generation(var generation)) = outcome.status {
                    switch settings.action {
                    case .record: break
                    case .replace:
                        generation.text = settings.message
                        outcome.status = .answered(.generation(generation))
                    case .skip:
                        outcome.status = .skipped("unsafe output (\(verdict.categories.joined(separator: ", ")))")
                    }
                }
            }
            await onOutcome(outcome)
        }
    }
}

/// Results gathered from concurrent callbacks.
actor Collected<Value: Sendable> {
    private(set) var values: [String: Value] = [:]
    func set(_ key: String, _ value: Value) { values[key] = value }
}
