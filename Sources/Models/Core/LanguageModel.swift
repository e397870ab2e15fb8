import Foundation

/// A model that answers prompts: an API backend, an OpenAI-compatible server, or a local model.
///
/// Models are used only through the ResponseComponent, which adds caching, retries, rate
/// limits and skipping. A model reports its identity as ``modelDict``: everything that changes
/// its output and nothing that does not (keys, timeouts, concurrency, retry settings), so that
/// two models never share cached answers and one model's answers survive a changed timeout.
public protocol LanguageModel: Sendable {
    /// The backend's registry name (`openai_chat`).
    var name: String { get }
    /// Identity for caching: model id, endpoint kind, checkpoint, formatter, sampling settings.
    var modelDict: JSONValue { get }
    var capabilities: ModelCapabilities { get }
    /// The context window in tokens, when known.
    var contextWindow: Int? { get }
    /// The default number of tokens to generate (after `bytes_per_token` scaling).
    var maxTokens: Int? { get }
    /// Counts a prompt's tokens with the model's own tokenizer, when it has one.
    func countTokens(_ prompt: Prompt) -> Int?
    /// Request settings the backend's own config asks for (lm-eval's `num_concurrent` and
    /// `max_retries`, Aleph Alpha's `max_async_concurrent_requests`), which take precedence
    /// over the general `response` settings.
    var requestSettings: BackendRequestSettings { get }
    /// Generates an answer.
    ///
    /// - Throws: ``ModelError``, classified so that callers know what to retry.
    func generate(_ request: GenerationRequest) async throws -> Generation
    /// Scores a continuation. Models without the ability throw ``ModelError`` `.unsupported`.
    func loglikelihood(_ request: LoglikelihoodRequest) async throws -> Loglikelihood
    /// Scores a whole text from its start, in windows of the context when it is longer. The
    /// default scores it as one continuation of an empty context.
    func loglikelihoodRolling(_ request: RollingLoglikelihoodRequest) async throws -> Loglikelihood
    /// The model's own chat template applied to `messages`, as text (lm-eval's
    /// `apply_chat_template`): `nil` for models without one (API chat models take messages).
    ///
    /// - Parameter addGenerationPrompt: end with the assistant's header; `false` continues the
    ///   last message instead (transformers' `continue_final_message`).
    func chatText(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String?
}

/// See ``LanguageModel/requestSettings``; nil leaves the general setting in force.
public struct BackendRequestSettings: Sendable, Hashable {
    public var maxConcurrency: Int?
    public var maxRetries: Int?

    public init(maxConcurrency: Int? = nil, maxRetries: Int? = nil) {
        self.maxConcurrency = maxConcurrency
        self.maxRetries = maxRetries
    }
}

extension LanguageModel {
    public var requestSettings: BackendRequestSettings { BackendRequestSettings() }
    public var contextWindow: Int? { nil }
    public var maxTokens: Int? { nil }
    public func countTokens(_ prompt: Prompt) -> Int? { nil }

    public func loglikelihood(_ request: LoglikelihoodRequest) async throws -> Loglikelihood {
        throw ModelError(.unsupported, "\(name) cannot score loglikelihoods", hint: "use a completions backend, or the generate scoring mode")
    }

    public func loglikelihoodRolling(_ request: RollingLoglikelihoodRequest) async throws -> Loglikelihood {
        try await loglikelihood(LoglikelihoodRequest(context: "", continuation: request.text))
    }

    public func chatText(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String? { nil }

    /// A blocking `generate`, for callers in sync mode.
    public func generateBlocking(_ request: GenerationRequest) throws -> Generation {
        let box = ResultBox<Generation>()
        let semaphore = DispatchSemaphore(value: 0)
        Task.detached {
            do { box.set(.success(try await self.generate(request))) } catch { box.set(.failure(error)) }
            semaphore.signal()
        }
        semaphore.wait()
        return try box.get()
    }
}

/// What a model can do beyond plain generation.
public struct ModelCapabilities: Sendable, Hashable {
    public var chat: Bool
    public var loglikelihood: Bool
    public var logprobs: Bool
    public var images: Bool

    public init(chat: Bool = false, loglikelihood: Bool = false, logprobs: Bool = false, images: Bool = false) {
        self.chat = chat
        self.loglikelihood = loglikelihood
        self.logprobs = logprobs
        self.images = images
    }
}

/// Hands a result from a detached task to a waiting thread.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) {
        lock.lock(); result = value; lock.unlock()
    }

    func get() throws -> T {
        lock.lock(); defer { lock.unlock() }
        return try result!.get()
    }
}

extension LanguageModel {
    /// The identity (``modelDict``) of a model whose settings are its identity: `settings` encoded (its
    /// `CodingKeys` choose what changes answers; nil settings are left out) and `fields`.
    func identity(_ settings: some Encodable, _ fields: [String: JSONValue]) -> JSONValue {
        // Settings are plain values (strings, numbers, lists of strings): encoding cannot fail.
        let encoded = (try? JSONValueEncoder().encode(settings).objectValue) ?? [:]
        return .object(encoded.merging(fields) { _, field in field })
    }
}
