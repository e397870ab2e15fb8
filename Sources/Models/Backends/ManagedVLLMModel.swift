import Config
import Foundation

/// `model.params` of `+model=vllm`: eval-framework's MistralVLLM settings, served by a
/// `vllm serve` the runner starts and stops.
public struct VLLMParams: BackendParams, Equatable {
    public struct Sampling: Decodable, Sendable, Equatable {
        public var temperature: Double?
        public var topP: Double?
        public var maxTokens: Int?
        public var seed: Int?
        public var stop: [String]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case temperature, topP = "top_p", maxTokens = "max_tokens", seed, stop
        }
    }

    public var checkpointPath: String?
    public var modelName: String?
    public var checkpointName: String?
    public var maxModelLen: Int?
    public var tensorParallelSize: Int?
    public var gpuMemoryUtilization: Double?
    public var batchSize: Int?
    public var samplingParams: Sampling?
    public var formatterName: String?
    public var formatterKwargs: ConfigNode?
    public var bytesPerToken: Double?
    public var dtype: String?
    public var extraArgs: [String]?
    public var executable: String?
    public var startupTimeout: Double?
    public var api: String?
    public var tokenizer: String?
    public var timeout: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case checkpointPath = "checkpoint_path", modelName = "model_name", checkpointName = "checkpoint_name"
        case maxModelLen = "max_model_len", tensorParallelSize = "tensor_parallel_size"
        case gpuMemoryUtilization = "gpu_memory_utilization", batchSize = "batch_size", samplingParams = "sampling_params"
        case formatterName = "formatter_name", formatterKwargs = "formatter_kwargs", bytesPerToken = "bytes_per_token"
        case dtype, extraArgs = "extra_args", executable, startupTimeout = "startup_timeout", api, tokenizer, timeout
    }

    public static let rules: [String: ParamRule] = [
        "batch_size": .count(minimum: 1), "bytes_per_token": .positive, "timeout": .positive, "startup_timeout": .positive,
        "max_model_len": .count(minimum: 1), "tensor_parallel_size": .count(minimum: 1),
    ]

    /// What `vllm serve` loads: the checkpoint folder, else the model's name.
    var model: String? { checkpointPath ?? modelName }

    /// The name requests use (`--served-model-name`), stable across ports and paths.
    var servedName: String { checkpointName ?? modelName ?? checkpointPath.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "model" }

    /// `vllm serve ...` without the port.
    var command: [String] {
        var arguments = [executable ?? "vllm", "serve", model ?? "", "--host", "127.0.0.1",
                         "--served-model-name", servedName,
                         "--tensor-parallel-size", String(tensorParallelSize ?? 1),
                         "--gpu-memory-utilization", String(gpuMemoryUtilization ?? 0.9)]
        if let maxModelLen { arguments += ["--max-model-len", String(maxModelLen)] }
        if let batchSize { arguments += ["--max-num-seqs", String(batchSize)] }
        if let dtype { arguments += ["--dtype", dtype] }
        return arguments + (extraArgs ?? [])
    }
}

/// `+model=vllm`: starts (or reuses) a managed `vllm serve`, then speaks the OpenAI
/// completions or chat API it serves. Its cache identity names the checkpoint, the server's
/// settings that change answers, and the sampling settings; never the port.
public struct ManagedVLLMModel: LanguageModel {
    let inner: any LanguageModel
    let params: VLLMParams
    public let server: VLLMServer

    public var name: String { "vllm" }

    public var modelDict: JSONValue {
        var dict = inner.modelDict.objectValue ?? [:]
        dict["base_url"] = nil
        dict["backend"] = "vllm"
        dict["checkpoint"] = .string(params.checkpointName ?? params.model ?? "")
        dict["dtype"] = params.dtype.map(JSONValue.string)
        dict["max_model_len"] = params.maxModelLen.map(JSONValue.int)
        if let extra = params.extraArgs, !extra.isEmpty { dict["extra_args"] = .array(extra.map(JSONValue.string)) }
        return .object(dict)
    }

    public var capabilities: ModelCapabilities { inner.capabilities }
    public var contextWindow: Int? { inner.contextWindow }
    public var maxTokens: Int? { inner.maxTokens }
    public var requestSettings: BackendRequestSettings { inner.requestSettings }
    public func countTokens(_ prompt: Prompt) -> Int? { inner.countTokens(prompt) }
    public func generate(_ request: GenerationRequest) async throws -> Generation { try await inner.generate(request) }
    public func loglikelihood(_ request: LoglikelihoodRequest) async throws -> Loglikelihood { try await inner.loglikelihood(request) }
    public func loglikelihoodRolling(_ request: RollingLoglikelihoodRequest) async throws -> Loglikelihood {
        try await inner.loglikelihoodRolling(request)
    }
    public func chatText(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String? {
        try inner.chatText(messages, addGenerationPrompt: addGenerationPrompt)
    }

}

/// `+model=vllm`: eval-framework's MistralVLLM, served by a `vllm serve` the runner starts,
/// shares between the jobs of a sweep, and stops.
public enum VLLMBackend: Backend {
    public static let name = "vllm"

    public static func build(_ p: VLLMParams, environment: ModelEnvironment) throws -> any LanguageModel {
        guard let model = p.model, !model.isEmpty else {
            throw ModelError(.configuration, "the vllm backend needs a checkpoint", hint: "set model.params.checkpoint_path=DIR or model.params.model_name=NAME",
                             keyPath: "model.params.checkpoint_path")
        }
        _ = model
        let api = p.api ?? "completions"
        guard api == "completions" || api == "chat" else {
            throw ModelError(.configuration, "model.params.api must be completions or chat, not '\(api)'", keyPath: "model.params.api")
        }
        let server = try VLLMServers.acquire(command: p.command, timeout: .seconds(p.startupTimeout ?? 600), log: environment.log)
        // The served API through the local OpenAI-compatible backends, with the server's URL.
        var local: [(String, ConfigNode)] = [
            ("base_url", ConfigNode(.string(server.baseURL))), ("model", ConfigNode(.string(p.servedName))),
            ("max_length", p.maxModelLen.map { ConfigNode(.int($0)) } ?? ConfigNode(.null)),
            ("max_gen_toks", ConfigNode(.int(p.samplingParams?.maxTokens ?? 256))),
            ("temperature", p.samplingParams?.temperature.map { ConfigNode(.double($0)) } ?? ConfigNode(.null)),
            ("top_p", p.samplingParams?.topP.map { ConfigNode(.double($0)) } ?? ConfigNode(.null)),
            ("seed", p.samplingParams?.seed.map { ConfigNode(.int($0)) } ?? ConfigNode(.null)),
            ("eos_string", p.samplingParams?.stop?.first.map { ConfigNode(.string($0)) } ?? ConfigNode(.null)),
            ("bytes_per_token", p.bytesPerToken.map { ConfigNode(.double($0)) } ?? ConfigNode(.null)),
            ("tokenizer", p.tokenizer.map { ConfigNode(.string($0)) } ?? ConfigNode(.null)),
            ("timeout", ConfigNode(.double(p.timeout ?? 300))),
        ]
        if api == "completions" {
            local.append(("formatter_name", p.formatterName.map { ConfigNode(.string($0)) } ?? ConfigNode(.null)))
            local.append(("formatter_kwargs", p.formatterKwargs ?? ConfigNode(.null)))
        }
        let node = ConfigNode(.mapping(ConfigMapping(local)))
        let served = try ConfigDecoder().decode(LocalServerParams.self, from: node, at: "model.params")
        let inner = try api == "chat" ? LocalChatBackend.build(served, environment: environment)
                                      : LocalCompletionsBackend.build(served, environment: environment)
        return ManagedVLLMModel(inner: inner, params: p, server: server)
    }
}
