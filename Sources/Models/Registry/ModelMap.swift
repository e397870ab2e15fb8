import Config
import Foundation
import Tokenizers
#if canImport(Glibc)
import Glibc
#endif

/// What builders may use besides the config: the environment (for keys) and the HTTP transport.
public struct ModelEnvironment: Sendable {
    public var environment: @Sendable (String) -> String?
    /// The transport every backend uses; nil builds a ``CurlTransport`` per model
    /// (one without certificate checks when a backend sets `verify_certificate: false`).
    public var transport: (any HTTPTransport)?
    /// Where a backend's own messages go (a managed server's output): the run's log.
    public var log: (@Sendable (String) -> Void)?
    /// Where a relative path in the config (a checkpoint) is: the runner looks beside the config
    /// folders too, so a run started from another folder finds the project's files.
    public var resolvePath: @Sendable (String) -> String

    public init(environment: @escaping @Sendable (String) -> String? = { getenv($0).map { String(cString: $0) } },
                transport: (any HTTPTransport)? = nil, log: (@Sendable (String) -> Void)? = nil,
                resolvePath: @escaping @Sendable (String) -> String = { $0 }) {
        self.environment = environment
        self.transport = transport
        self.log = log
        self.resolvePath = resolvePath
    }

    func transport(verifyCertificates: Bool) -> any HTTPTransport {
        transport ?? CurlTransport(verifyCertificates: verifyCertificates)
    }
}

/// The registry from a backend's name (`LLMConfig.name`) to its builder, rambla's `MODEL_MAP`.
///
/// A registry is a value: ``default`` holds the built-in backends, ``appending(_:_:)`` adds
/// one, so that tests and plug-ins never mutate shared state.
///
/// ```swift
/// let model = try ModelMap.default.build(LLMConfig(name: "local_chat", params: params))
/// ```
public struct ModelMap: Sendable {
    public typealias Builder = @Sendable (_ params: ConfigNode, _ environment: ModelEnvironment) throws -> any LanguageModel

    private var builders: [String: Builder]

    public init(_ builders: [String: Builder] = [:]) { self.builders = builders }

    /// The built-in backends.
    public static let `default` = ModelMap([
        "openai_chat": OpenAIBuilders.openAIChat,
        "local_chat": OpenAIBuilders.localChat,
        "openai_completion": OpenAIBuilders.openAICompletion,
        "local_completions": OpenAIBuilders.localCompletions,
        "aleph_alpha": OpenAIBuilders.alephAlpha,
        "hf_local": { params, environment in try LocalModel.build(params, backend: "hf_local", resolvePath: environment.resolvePath) },
        "vllm": ManagedVLLMModel.builder,
    ])

    /// Sorted backend names.
    public var names: [String] { builders.keys.sorted() }

    public func appending(_ name: String, _ builder: @escaping Builder) -> ModelMap {
        var copy = self
        copy.builders[name] = builder
        return copy
    }

    public func removing(_ name: String) -> ModelMap {
        var copy = self
        copy.builders[name] = nil
        return copy
    }

    /// Builds the model a config names.
    ///
    /// - Throws: ``ConfigError`` for an unknown name (listing the known ones) or bad params
    ///   (naming the key path); ``ModelError`` `.configuration` for a missing API key.
    public func build(_ config: LLMConfig, environment: ModelEnvironment = ModelEnvironment()) throws -> any LanguageModel {
        guard let builder = builders[config.name] else {
            var hint = "known models: \(names.joined(separator: ", "))"
            hint = DidYouMean.hint(config.name, among: names, then: hint)
            throw ConfigError(.invalidValue, "unknown model '\(config.name)' in 'model.name'", keyPath: "model.name", hint: hint)
        }
        try ParamRules.check(config.params)
        return try builder(config.params, environment)
    }
}

/// Decodes a backend's params at `model.params`, rejecting unknown keys.
func decodeParams<T: Decodable>(_ type: T.Type, _ params: ConfigNode) throws -> T {
    try ConfigDecoder().decode(T.self, from: params, at: "model.params")
}

enum OpenAIBuilders {
    static let openAIBaseURL = "https://api.openai.com/v1"


    /// A timeout in seconds as a Duration; the value was checked to be positive and finite.
    static func seconds(_ value: Double?, default fallback: Double) -> Duration {
        .milliseconds(Int(min(max(value ?? fallback, 0.001), 86_400 * 365) * 1000))
    }

    static func openAIClient(_ p: OpenAIParams, _ env: ModelEnvironment, backend: String) throws -> OpenAIClient {
        let key = try SecretLookup(environment: env.environment).require(p.apiKeyEnv ?? "OPENAI_API_KEY", for: backend)
        var azure: (String, String)?
        if let deployment = p.azureDeployment {
            guard let base = p.baseURL else {
                throw ModelError(.configuration, "Azure OpenAI needs base_url (https://<resource>.openai.azure.com)",
                                 hint: "set model.params.base_url")
            }
            _ = base
            azure = (deployment, p.apiVersion ?? "2024-06-01")
        }
        return OpenAIClient(baseURL: p.baseURL ?? openAIBaseURL, auth: azure == nil ? .bearer(key) : .azureKey(key),
                            organization: p.organization, azure: azure, transport: env.transport(verifyCertificates: p.verifyCertificate ?? true),
                            timeout: seconds(p.timeout, default: 300))
    }

    static let openAIChat: ModelMap.Builder = { params, env in
        let p = try decodeParams(OpenAIParams.self, params)
        let base = p.baseURL ?? openAIBaseURL
        let official = p.baseURL == nil || base.contains("api.openai.com") || p.azureDeployment != nil
        let settings = OpenAIChatModel.Settings(
            backend: "openai_chat", model: p.modelName, baseURL: base, temperature: p.temperature ?? 0.0, topP: p.topP,
            maxTokens: scaledMaxTokens(p.maxTokens, bytesPerToken: p.bytesPerToken), seed: p.seed, stop: p.stop, n: p.n,
            logprobs: p.logprobs ?? false, topLogprobs: p.topLogprobs, useMaxCompletionTokens: official,
            azureDeployment: p.azureDeployment, contextWindow: p.contextWindow)
        return OpenAIChatModel(settings: settings, client: try openAIClient(p, env, backend: "openai_chat"))
    }

    static let openAICompletion: ModelMap.Builder = { params, env in
        let p = try decodeParams(OpenAIParams.self, params)
        let formatter = try FormatterRegistry.make(p.formatterName, kwargs: p.formatterKwargs)
        let settings = OpenAICompletionModel.Settings(
            backend: "openai_completion", model: p.modelName, baseURL: p.baseURL ?? openAIBaseURL,
            temperature: p.temperature ?? 0.0, topP: p.topP,
            maxTokens: scaledMaxTokens(p.maxTokens, bytesPerToken: p.bytesPerToken), seed: p.seed, stop: p.stop,
            logprobs: p.topLogprobs, contextWindow: p.contextWindow, formatterName: formatter.name)
        return OpenAICompletionModel(settings: settings, formatter: formatter,
                                     client: try openAIClient(p, env, backend: "openai_completion"))
    }

    /// A local `tokenizer.json` (a file, or a folder holding one) for exact token counts.
    static func loadTokenizer(_ path: String?) throws -> BPETokenizer? {
        guard let path else { return nil }
        var url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            url.appendPathComponent("tokenizer.json")
        }
        do {
            return try BPETokenizer(contentsOf: url)
        } catch let error as TokenizerError {
            throw ModelError(.configuration, "model.params.tokenizer: \(error.message)", hint: error.hint ?? "give the path of a local tokenizer.json")
        }
    }

    static func localClient(_ p: LocalServerParams, _ env: ModelEnvironment, backend: String) throws -> OpenAIClient {
        // Local servers need no key; one in OPENAI_API_KEY is sent when present (vLLM --api-key).
        let key = env.environment("OPENAI_API_KEY")
        return OpenAIClient(baseURL: p.baseURL, auth: key.map { .bearer($0) } ?? .none, organization: nil, azure: nil,
                            transport: env.transport(verifyCertificates: p.verifyCertificate ?? true), timeout: seconds(p.timeout, default: 300))
    }

    static let localChat: ModelMap.Builder = { params, env in
        let p = try decodeParams(LocalServerParams.self, params)
        let settings = OpenAIChatModel.Settings(
            backend: "local_chat", model: p.model ?? "default", baseURL: p.baseURL, temperature: p.temperature ?? 0.0,
            topP: p.topP, maxTokens: scaledMaxTokens(p.maxGenToks ?? 256, bytesPerToken: p.bytesPerToken), seed: p.seed,
            stop: p.eosString.map { [$0] }, n: nil, logprobs: false, topLogprobs: nil, useMaxCompletionTokens: false,
            azureDeployment: nil, contextWindow: p.maxLength)
        var model = OpenAIChatModel(settings: settings, client: try localClient(p, env, backend: "local_chat"),
                                    tokenizer: try loadTokenizer(p.tokenizer))
        model.requestSettings = BackendRequestSettings(maxConcurrency: p.numConcurrent, maxRetries: p.maxRetries)
        return model
    }

    static let localCompletions: ModelMap.Builder = { params, env in
        let p = try decodeParams(LocalServerParams.self, params)
        let formatter = try FormatterRegistry.make(p.formatterName, kwargs: p.formatterKwargs)
        let settings = OpenAICompletionModel.Settings(
            backend: "local_completions", model: p.model ?? "default", baseURL: p.baseURL, temperature: p.temperature ?? 0.0,
            topP: p.topP, maxTokens: scaledMaxTokens(p.maxGenToks ?? 256, bytesPerToken: p.bytesPerToken), seed: p.seed,
            stop: p.eosString.map { [$0] }, logprobs: nil, contextWindow: p.maxLength, formatterName: formatter.name)
        var model = OpenAICompletionModel(settings: settings, formatter: formatter, client: try localClient(p, env, backend: "local_completions"),
                                          tokenizer: try loadTokenizer(p.tokenizer))
        model.requestSettings = BackendRequestSettings(maxConcurrency: p.numConcurrent, maxRetries: p.maxRetries)
        return model
    }

    static let alephAlpha: ModelMap.Builder = { params, env in
        let p = try decodeParams(AlephAlphaParams.self, params)
        let token = try SecretLookup(environment: env.environment).require(p.tokenEnv ?? "AA_TOKEN", for: "aleph_alpha")
        let formatter = try FormatterRegistry.make(p.formatterName, kwargs: p.formatterKwargs)
        let base = p.baseURL ?? "https://api.aleph-alpha.com"
        let settings = AlephAlphaModel.Settings(
            model: p.modelName, baseURL: base, maximumTokens: scaledMaxTokens(p.maximumTokens, bytesPerToken: p.bytesPerToken),
            temperature: p.temperature ?? 0.0, topP: p.topP, stopSequences: p.stopSequences, formatterName: formatter.name,
            contextWindow: p.contextWindow)
        let client = OpenAIClient(baseURL: base, auth: .bearer(token), organization: nil, azure: nil, transport: env.transport(verifyCertificates: true),
                                  timeout: seconds(p.requestTimeoutSeconds, default: 1805))
        var model = AlephAlphaModel(settings: settings, formatter: formatter, client: client)
        model.requestSettings = BackendRequestSettings(maxConcurrency: p.maxAsyncConcurrentRequests ?? 32, maxRetries: p.maxRetries ?? 100)
        return model
    }
}
