import Config
import Foundation
import Tokenizers

/// `conf/model/openai_chat.yaml` and `openai_completion.yaml` params (the OpenAI family's
/// shared params; each backend's builder is in its model's file).
public struct OpenAIParams: BackendParams, Equatable {
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

    public static let rules: [String: ParamRule] = [
        "temperature": .nonNegative, "top_p": .probability, "max_tokens": .count(minimum: 1), "n": .count(minimum: 1),
        "top_logprobs": .count(minimum: 0), "base_url": .url, "bytes_per_token": .positive, "timeout": .positive,
        "context_window": .count(minimum: 1),
    ]

    static let openAIBaseURL = "https://api.openai.com/v1"

    /// OpenAI's API (or Azure OpenAI's) with the key from `api_key_env`.
    func client(_ environment: ModelEnvironment, backend: String) throws -> OpenAIClient {
        let key = try SecretLookup(environment: environment.environment).require(apiKeyEnv ?? "OPENAI_API_KEY", for: backend)
        var azure: (String, String)?
        if let deployment = azureDeployment {
            guard baseURL != nil else {
                throw ModelError(.configuration, "Azure OpenAI needs base_url (https://<resource>.openai.azure.com)",
                                 hint: "set model.params.base_url")
            }
            azure = (deployment, apiVersion ?? "2024-06-01")
        }
        return OpenAIClient(baseURL: baseURL ?? Self.openAIBaseURL, auth: azure == nil ? .bearer(key) : .header(name: "api-key", key: key),
                            organization: organization, azure: azure,
                            transport: environment.transport(verifyCertificates: verifyCertificate ?? true),
                            timeout: .seconds(checked: timeout, default: 300))
    }
}

/// `conf/model/local_chat.yaml` and `local_completions.yaml` params (lm-eval's names).
public struct LocalServerParams: BackendParams, Equatable {
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

    public static let rules: [String: ParamRule] = [
        "base_url": .url, "num_concurrent": .count(minimum: 1), "max_retries": .count(minimum: 0), "max_gen_toks": .count(minimum: 1),
        "max_length": .count(minimum: 1), "batch_size": .count(minimum: 1), "temperature": .nonNegative, "top_p": .probability,
        "timeout": .positive, "bytes_per_token": .positive,
    ]

    /// The server at `base_url`. Local servers need no key; one in OPENAI_API_KEY is sent when
    /// present (vLLM's `--api-key`).
    func client(_ environment: ModelEnvironment) -> OpenAIClient {
        let key = environment.environment("OPENAI_API_KEY")
        return OpenAIClient(baseURL: baseURL, auth: key.map { .bearer($0) } ?? .none, organization: nil, azure: nil,
                            transport: environment.transport(verifyCertificates: verifyCertificate ?? true),
                            timeout: .seconds(checked: timeout, default: 300))
    }

    /// A local `tokenizer.json` (a file, or a folder holding one) for exact token counts.
    func loadTokenizer() throws -> BPETokenizer? {
        guard let path = tokenizer else { return nil }
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
}

/// eval-framework's `bytes_per_token`: a token budget written for 4-byte tokens, rescaled to
/// this model's tokenizer: `ceil(max_tokens * 4.0 / bytes_per_token)`.
public func scaledMaxTokens(_ maxTokens: Int?, bytesPerToken: Double?) -> Int? {
    guard let maxTokens else { return nil }
    guard let bytesPerToken, bytesPerToken > 0 else { return maxTokens }
    return Int((Double(maxTokens) * 4.0 / bytesPerToken).rounded(.up))
}

extension Duration {
    /// A timeout in seconds from a config value checked to be positive and finite (a year at most).
    static func seconds(checked value: Double?, default fallback: Double) -> Duration {
        .milliseconds(Int(min(max(value ?? fallback, 0.001), 86_400 * 365) * 1000))
    }
}
