import Config

/// `model.params` of the local backend (`hf_local`; `conf/model/smollm2.yaml` is a preset).
/// Generation settings follow eval-framework's HFLLM and Hugging Face's `generate`.
struct LocalModelParams: BackendParams {
    enum DType: String, ConfigEnum {
        case float32, bfloat16
        /// The dtype the checkpoint stores, as `dtype="auto"` means in transformers and lm-eval:
        /// config.json's `dtype` (`torch_dtype` before transformers 5); a GGUF is dequantized to
        /// float32, as transformers loads one. bfloat16 is a speed option to ask for by name.
        case auto

        /// What `auto` (or unset: transformers 5's default is auto) comes to for a checkpoint
        /// that stores `stored` (`float32`, `bfloat16`, `float16`, ...); others as they are.
        /// float16 computes in float32: the engine has no float16 kernels, and widening is exact.
        static func resolve(_ requested: DType?, stored: String) -> DType {
            if let requested, requested != .auto { return requested }
            return stored == "bfloat16" ? .bfloat16 : .float32
        }
    }
    enum Device: String, ConfigEnum { case cpu, cuda }
    enum Quantization: String, ConfigEnum { case int8 }

    /// A `.gguf` file or a Hugging Face model folder.
    var checkpointPath: String?
    /// `ORG/NAME`, looked up in the Hugging Face cache (no downloads).
    var modelName: String?
    /// The name recorded in results (defaults to the file or folder name).
    var checkpointName: String?
    /// `chat_template` (the model's own Jinja template), or a formatter class name.
    var formatter: String?
    var formatterName: String?
    var formatterKwargs: ConfigNode?
    var bytesPerToken: Double?
    var maxNewTokens: Int?
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var repetitionPenalty: Double?
    var seed: Int?
    var stop: [String]?
    var dtype: DType?
    var device: Device?
    var peftModel: String?
    var quantization: Quantization?
    /// Context window; default the checkpoint's, capped at 4096 to bound cache memory.
    var maxLength: Int?
    /// Sequences generated together (continuous batching).
    var batchSize: Int?
    var threads: Int?
    var maxConcurrency: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case formatter, temperature, seed, stop, dtype, device, quantization, threads
        case checkpointPath = "checkpoint_path"
        case modelName = "model_name"
        case checkpointName = "checkpoint_name"
        case formatterName = "formatter_name"
        case formatterKwargs = "formatter_kwargs"
        case bytesPerToken = "bytes_per_token"
        case maxNewTokens = "max_new_tokens"
        case topP = "top_p"
        case topK = "top_k"
        case repetitionPenalty = "repetition_penalty"
        case peftModel = "peft_model"
        case maxLength = "max_length"
        case batchSize = "batch_size"
        case maxConcurrency = "max_concurrency"
    }

    static let rules: [String: ParamRule] = [
        "bytes_per_token": .positive, "max_new_tokens": .count(minimum: 1), "temperature": .nonNegative, "top_p": .probability,
        "top_k": .count(minimum: 0), "repetition_penalty": .positive, "max_length": .count(minimum: 1), "batch_size": .count(minimum: 1),
        "threads": .count(minimum: 1), "max_concurrency": .count(minimum: 1),
    ]
}
