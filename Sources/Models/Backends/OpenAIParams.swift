import Config

/// `conf/model/openai_chat.yaml` and `openai_completion.yaml` params.
public struct OpenAIParams: Decodable, Sendable, Equatable {
    public var modelName: String
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var seed: Int?
    public var stop: [String]?
    public var n: Int?
    public var logprobs: Bool?
    public var topLogprobs: Int?
    public var apiKeyEnv: String?
    public var organization: String?
    public var baseURL: String?
    public var azureDeployment: String?
    public var apiVersion: String?
    public var bytesPerToken: Double?
    public var timeout: Double?
    public var verifyCertificate: Bool?
    public var contextWindow: Int?
    public var formatterName: String?
    public var formatterKwargs: ConfigNode?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case modelName = "model_name", temperature, topP = "top_p", maxTokens = "max_tokens", seed, stop, n
        case logprobs, topLogprobs = "top_logprobs", apiKeyEnv = "api_key_env", organization
        case baseURL = "base_url", azureDeployment = "azure_deployment", apiVersion = "api_version"
        case bytesPerToken = "bytes_per_token", timeout, verifyCertificate = "verify_certificate"
        case contextWindow = "context_window", formatterName = "formatter_name", formatterKwargs = "formatter_kwargs"
    }
}

/// `conf/model/local_chat.yaml` and `local_completions.yaml` params (lm-eval's names).
public struct LocalServerParams: Decodable, Sendable, Equatable {
    public var baseURL: String
    public var model: String?
    public var tokenizer: String?
    public var tokenizerBackend: String?
    public var tokenizedRequests: Bool?
    public var numConcurrent: Int?
    public var maxRetries: Int?
    public var maxGenToks: Int?
    public var maxLength: Int?
    public var batchSize: Int?
    public var seed: Int?
    public var addBosToken: Bool?
    public var temperature: Double?
    public var topP: Double?
    public var eosString: String?
    public var timeout: Double?
    public var verifyCertificate: Bool?
    public var formatterName: String?
    public var formatterKwargs: ConfigNode?
    public var bytesPerToken: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case baseURL = "base_url", model, tokenizer, tokenizerBackend = "tokenizer_backend"
        case tokenizedRequests = "tokenized_requests", numConcurrent = "num_concurrent", maxRetries = "max_retries"
        case maxGenToks = "max_gen_toks", maxLength = "max_length", batchSize = "batch_size", seed
        case addBosToken = "add_bos_token", temperature, topP = "top_p", eosString = "eos_string", timeout
        case verifyCertificate = "verify_certificate", formatterName = "formatter_name", formatterKwargs = "formatter_kwargs"
        case bytesPerToken = "bytes_per_token"
    }
}

/// `conf/model/aleph_alpha.yaml` params (eval-framework's names).
public struct AlephAlphaParams: Decodable, Sendable, Equatable {
    public var modelName: String
    public var checkpointName: String?
    public var baseURL: String?
    public var tokenEnv: String?
    public var formatterName: String?
    public var formatterKwargs: ConfigNode?
    public var maximumTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var stopSequences: [String]?
    public var maxRetries: Int?
    public var maxAsyncConcurrentRequests: Int?
    public var requestTimeoutSeconds: Double?
    public var queueFullTimeoutSeconds: Double?
    public var bytesPerToken: Double?
    public var contextWindow: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case modelName = "model_name", checkpointName = "checkpoint_name", baseURL = "base_url", tokenEnv = "token_env"
        case formatterName = "formatter_name", formatterKwargs = "formatter_kwargs", maximumTokens = "maximum_tokens"
        case temperature, topP = "top_p", stopSequences = "stop_sequences", maxRetries = "max_retries"
        case maxAsyncConcurrentRequests = "max_async_concurrent_requests", requestTimeoutSeconds = "request_timeout_seconds"
        case queueFullTimeoutSeconds = "queue_full_timeout_seconds", bytesPerToken = "bytes_per_token"
        case contextWindow = "context_window"
    }
}

/// eval-framework's `bytes_per_token`: a token budget written for 4-byte tokens, rescaled to
/// this model's tokenizer: `ceil(max_tokens * 4.0 / bytes_per_token)`.
public func scaledMaxTokens(_ maxTokens: Int?, bytesPerToken: Double?) -> Int? {
    guard let maxTokens else { return nil }
    guard let bytesPerToken, bytesPerToken > 0 else { return maxTokens }
    return Int((Double(maxTokens) * 4.0 / bytesPerToken).rounded(.up))
}
