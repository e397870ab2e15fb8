import Config
import Foundation
import Synchronization
import Tokenizers

/// A Llama-family model run in process on the Torch engine (`hf_local`), from a GGUF file or
/// a Hugging Face folder: the backend that needs no key and no server.
///
/// It plugs into the ResponseComponent like any backend: answers are cached by `modelDict`,
/// prompts that do not fit the context window are skipped before they are asked.
public struct LocalModel: LanguageModel {
    public let name: String
    public let modelDict: JSONValue
    public var capabilities: ModelCapabilities { ModelCapabilities(chat: true, loglikelihood: true, logprobs: false) }
    public let contextWindow: Int?
    public let maxTokens: Int?
    public var requestSettings: BackendRequestSettings { BackendRequestSettings(maxConcurrency: maxConcurrency) }

    let engine: LocalEngine
    let checkpoint: LlamaCheckpoint
    let formatter: any Formatter
    let params: LocalModelParams
    let maxConcurrency: Int

    static func build(_ params: LocalModelParams, backend: String, resolvePath relative: @Sendable (String) -> String = { $0 }) throws -> LocalModel {
        var params = params
        params.checkpointPath = params.checkpointPath.map(relative)
        params.peftModel = params.peftModel.map(relative)
        let path = try resolvePath(params)
        if params.device == .cuda {
            throw ModelError(.configuration, "device 'cuda': the Debian libtorch this engine uses is built for CPU only",
                             hint: "set model.params.device=cpu", keyPath: "model.params.device")
        }
        let checkpoint = try LlamaCheckpoint.open(path)
        let maxLength = min(params.maxLength ?? min(checkpoint.architecture.contextLength, 4096), checkpoint.architecture.contextLength)
        let slots = params.batchSize ?? 32
        let dtype = LocalModelParams.DType.resolve(params.dtype, stored: checkpoint.storedDType)
        let options = LocalEngine.Options(dtype: dtype == .bfloat16 ? 2 : 0, int8: params.quantization == .int8, slots: slots,
                                          maxPositions: maxLength, threads: params.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let engine = try LoadedModels.shared.engine(path: path, peft: params.peftModel, options: options) {
            try LocalEngine(checkpoint: checkpoint, options: options, lora: try params.peftModel.map(LoRAAdapter.init(folder:)))
        }
        let formatter = try makeFormatter(params, checkpoint: checkpoint)
        let maxNew = scaledMaxTokens(params.maxNewTokens ?? 256, bytesPerToken: params.bytesPerToken) ?? 256
        var dict: [String: JSONValue] = [
            "backend": .string(backend),
            "checkpoint": .string(params.checkpointName ?? checkpoint.identity),
            "formatter": .string(formatter.name),
            "max_tokens": .int(maxNew),
            "temperature": .double(params.temperature ?? 0),
            "top_p": .double(params.topP ?? 1),
            "top_k": .int(params.topK ?? 0),
            "repetition_penalty": .double(params.repetitionPenalty ?? 1),
            "seed": .int(params.seed ?? 1234),
            // The dtype computed in (auto resolved to the checkpoint's): answers differ between them.
            "dtype": .string(dtype.rawValue),
        ]
        if let q = params.quantization { dict["quantization"] = .string(q.rawValue) }
        if let peft = params.peftModel { dict["peft_model"] = .string((peft as NSString).lastPathComponent) }
        if let stop = params.stop { dict["stop"] = .array(stop.map(JSONValue.string)) }
        return LocalModel(name: backend, modelDict: .object(dict), contextWindow: maxLength, maxTokens: maxNew, engine: engine,
                          checkpoint: checkpoint, formatter: formatter, params: params, maxConcurrency: params.maxConcurrency ?? 2 * slots)
    }

    /// `checkpoint_path`, else `model_name` in the Hugging Face cache.
    static func resolvePath(_ params: LocalModelParams) throws -> String {
        if let path = params.checkpointPath { return path }
        guard let name = params.modelName else {
            throw ModelError(.configuration, "hf_local needs model.params.checkpoint_path or model.params.model_name",
                             hint: "checkpoint_path: a .gguf file or a Hugging Face folder; model_name: ORG/NAME already in the Hugging Face cache",
                             keyPath: "model.params.checkpoint_path")
        }
        let hub = HuggingFaceHubCache.directory(environment: ProcessInfo.processInfo.environment)
        let repo = hub + "/models--" + name.replacingOccurrences(of: "/", with: "--")
        let snapshots = repo + "/snapshots"
        var revision = (try? String(contentsOfFile: repo + "/refs/main", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        if revision == nil { revision = (try? FileManager.default.contentsOfDirectory(atPath: snapshots))?.sorted().last }
        guard let revision, FileManager.default.fileExists(atPath: snapshots + "/" + revision + "/config.json") else {
            throw ModelError(.configuration, "model '\(name)' is not in the Hugging Face cache (\(repo))",
                             hint: "this runner never downloads: put the model there (huggingface-cli download \(name)) or set model.params.checkpoint_path",
                             keyPath: "model.params.model_name")
        }
        return snapshots + "/" + revision
    }

    static func makeFormatter(_ params: LocalModelParams, checkpoint: LlamaCheckpoint) throws -> any Formatter {
        let choice = params.formatterName ?? params.formatter ?? "chat_template"
        if choice == "chat_template" {
            guard let template = checkpoint.chatTemplate else {
                throw ModelError(.configuration, "\(checkpoint.path) has no chat template",
                                 hint: "set model.params.formatter to ConcatFormatter, ChatMLFormatter or Llama3Formatter",
                                 keyPath: params.formatterName == nil ? "model.params.formatter" : "model.params.formatter_name")
            }
            return try ChatTemplateFormatter(template: template, bosToken: checkpoint.bosToken, eosToken: checkpoint.eosToken,
                                             kwargs: params.formatterKwargs)
        }
        return try FormatterRegistry.make(choice, kwargs: params.formatterKwargs)
    }

    // MARK: - Tokens

    /// The tokens of `text` as lm-eval's hf backend encodes them: with a BOS token when the
    /// tokenizer adds one by default, unless the text already starts with it (a chat template
    /// writes its own).
    func encode(_ text: String) -> [Int32] {
        var ids = checkpoint.tokenizer.encode(text).map(Int32.init)
        if checkpoint.addBOS, let bos = bosTokenID, !text.hasPrefix(checkpoint.bosToken) { ids.insert(bos, at: 0) }
        return ids
    }

    /// The BOS token, when the checkpoint names one that is a single token.
    var bosTokenID: Int32? {
        guard !checkpoint.bosToken.isEmpty else { return nil }
        let ids = checkpoint.tokenizer.encode(checkpoint.bosToken)
        return ids.count == 1 ? Int32(ids[0]) : nil
    }

    /// lm-eval's `prefix_token_id`: what an empty context is scored after (BOS, else EOS).
    var prefixTokenID: Int32? {
        if let bos = bosTokenID { return bos }
        if !checkpoint.eosToken.isEmpty, case let ids = checkpoint.tokenizer.encode(checkpoint.eosToken), ids.count == 1 { return Int32(ids[0]) }
        return checkpoint.stopTokenIDs.sorted().first.map(Int32.init)
    }

    func promptText(_ prompt: Prompt) throws -> String {
        switch prompt {
        case .text(let text): return text
        case .chat(let messages):
            if let template = formatter as? ChatTemplateFormatter { return try template.render(messages, addGenerationPrompt: true) }
            return formatter.format(messages, addGenerationPrompt: true)
        }
    }

    /// The model's chat template (or its formatter) as text: what lm-eval's hf backend feeds
    /// the model under `--apply_chat_template`.
    public func chatText(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String? {
        if let template = formatter as? ChatTemplateFormatter {
            return addGenerationPrompt ? try template.render(messages, addGenerationPrompt: true) : try template.renderContinuing(messages)
        }
        return formatter.format(messages, addGenerationPrompt: addGenerationPrompt)
    }

    /// Seconds a decoding step's matrix products alone take for `rows` rows at `context`
    /// cached positions each: the weight products and attention's (bench/LocalBenchmark's
    /// yardstick for a step of `rows` streams).
    public func timeMatrixProducts(rows: Int, context: Int, repeats: Int = 9) async throws -> (weights: Double, attention: Double) {
        try await engine.timeProducts(rows: rows, context: context, repeats: repeats)
    }

    /// How many threads have run the engine's passes: 1 unless something calls it off its
    /// thread, which libgomp punishes with a spinning thread team per caller (bench/LocalBenchmark).
    public func engineCallingThreads() async -> Int { await engine.callingThreads() }

    /// Tokens decoded by decoding steps so far and the seconds those steps took (sampling
    /// included; prefills and scoring not).
    public func decodeTotals() async -> (tokens: Int, seconds: Double) {
        let totals = await engine.decodeTotals()
        return (totals.rows, totals.seconds)
    }

    public func countTokens(_ prompt: Prompt) -> Int? {
        (try? promptText(prompt)).map { encode($0).count }
    }

    // MARK: - Answers

    public func generate(_ request: GenerationRequest) async throws -> Generation {
        let prompt = encode(try promptText(request.prompt))
        let p = request.parameters
        let sampler = Sampler(temperature: p.temperature ?? params.temperature ?? 0, topP: p.topP ?? params.topP ?? 1,
                              topK: params.topK ?? 0, repetitionPenalty: params.repetitionPenalty ?? 1,
                              seed: (p.seed ?? params.seed ?? 1234) &+ request.sampleIndex)
        let stops = (p.stop ?? []) + (params.stop ?? [])
        let tokenizer = checkpoint.tokenizer
        let shouldStop: @Sendable ([Int32]) -> Bool
        if stops.isEmpty {
            shouldStop = { _ in false }
        } else {
            shouldStop = { tokens in
                let text = tokenizer.decode(tokens.map(Int.init), skipSpecial: true)
                return stops.contains { text.contains($0) }
            }
        }
        let limit = p.maxTokens ?? maxTokens ?? 256
        let tokens = try await engine.generate(prompt: prompt, maxNewTokens: limit, sampler: sampler,
                                               stopTokens: Set(checkpoint.stopTokenIDs.map(Int32.init)), shouldStop: shouldStop)
        var text = tokenizer.decode(tokens.map(Int.init), skipSpecial: true)
        var finish = tokens.count >= limit ? "length" : "stop"
        for stop in stops {
            if let range = text.range(of: stop) { text = String(text[..<range.lowerBound]); finish = "stop" }
        }
        return Generation(text: text, finishReason: finish, usage: TokenUsage(promptTokens: prompt.count, completionTokens: tokens.count))
    }

    /// Splits as lm-evaluation-harness's hf backend does (`_encode_pair`): the context's
    /// trailing whitespace moves to the continuation, and the continuation's tokens are those
    /// of the whole text after the context's, so the tokens scored are the tokens the model
    /// would read. An empty context is the prefix token (BOS, else EOS).
    public func loglikelihood(_ request: LoglikelihoodRequest) async throws -> Loglikelihood {
        var context = request.context, continuation = request.continuation
        var contextTokens: [Int32], continuationTokens: [Int32]
        if context.isEmpty {
            continuationTokens = checkpoint.tokenizer.encode(continuation).map(Int32.init)
            guard let prefix = prefixTokenID else {
                throw ModelError(.unsupported, "the checkpoint names no BOS or EOS token to score an empty context after", hint: nil)
            }
            if continuationTokens.first != prefix {
                contextTokens = [prefix]
            } else {
                contextTokens = [prefix]
                continuationTokens.removeFirst()
            }
        } else {
            let trailing = PythonWhitespace.trailingCount(context)
            if trailing > 0 {
                let scalars = context.unicodeScalars
                let cut = scalars.index(scalars.endIndex, offsetBy: -trailing)
                continuation = String(scalars[cut...]) + continuation
                context = String(scalars[..<cut])
            }
            contextTokens = encode(context)
            let whole = encode(context + continuation)
            continuationTokens = whole.count > contextTokens.count ? Array(whole[contextTokens.count...]) : []
        }
        guard !continuationTokens.isEmpty else {
            throw ModelError(.unsupported, "the continuation \(request.continuation.debugDescription) has no tokens of its own after the context",
                             hint: "the tokenizer merges it into the context's last token")
        }
        let (logprob, greedy) = try await engine.loglikelihood(context: contextTokens, continuation: continuationTokens)
        return Loglikelihood(logprob: logprob, isGreedy: greedy,
                             usage: TokenUsage(promptTokens: contextTokens.count + continuationTokens.count, completionTokens: 0))
    }

    /// A whole text's log probability, in windows of the context window as lm-eval's
    /// `get_rolling_token_windows` cuts them: the first predicts the first tokens after the
    /// prefix token, each later one the next tokens after as many earlier ones as fit.
    public func loglikelihoodRolling(_ request: RollingLoglikelihoodRequest) async throws -> Loglikelihood {
        let tokens = encode(request.text)
        guard !tokens.isEmpty else { return Loglikelihood(logprob: 0, isGreedy: true, usage: TokenUsage()) }
        guard let prefix = prefixTokenID else {
            throw ModelError(.unsupported, "the checkpoint names no BOS or EOS token to start a rolling score with", hint: nil)
        }
        let maxLength = contextWindow ?? 2048
        var total = 0.0
        var greedy = true
        for (context, continuation) in Self.rollingWindows(tokens, prefix: prefix, maxLength: maxLength) {
            let (lp, g) = try await engine.loglikelihood(context: context, continuation: continuation)
            total += lp
            greedy = greedy && g
        }
        return Loglikelihood(logprob: total, isGreedy: greedy, usage: TokenUsage(promptTokens: tokens.count + 1, completionTokens: 0))
    }

    /// lm-eval's rolling windows, made disjoint: (context, continuation) pairs whose
    /// concatenations cover the text once, each at most `maxLength` tokens.
    static func rollingWindows(_ tokens: [Int32], prefix: Int32, maxLength: Int) -> [([Int32], [Int32])] {
        var windows: [([Int32], [Int32])] = []
        let first = min(maxLength, tokens.count)
        windows.append(([prefix], Array(tokens[..<first])))
        var predicted = first
        while predicted < tokens.count {
            let length = min(tokens.count - predicted, maxLength)
            let end = predicted + length
            // The window's input is the maxLength tokens before its last; the context is what
            // comes before the tokens it predicts.
            let start = max(0, end - maxLength - 1)
            windows.append((Array(tokens[start..<(end - length)]), Array(tokens[(end - length)..<end])))
            predicted += length
        }
        return windows
    }
}

/// Models stay loaded for the process, keyed by checkpoint, adapter and engine options, so
/// a sweep over tasks or temperatures reads the weights once.
final class LoadedModels: Sendable {
    static let shared = LoadedModels()
    private let engines = Mutex<[String: LocalEngine]>([:])

    func engine(path: String, peft: String?, options: LocalEngine.Options, load: () throws -> LocalEngine) throws -> LocalEngine {
        let key = "\(path)|\(peft ?? "")|\(options)"
        if let engine = engines.withLock({ $0[key] }) { return engine }
        let engine = try load()
        engines.withLock { $0[key] = engine }
        return engine
    }
}

/// `+model=hf_local` (and its presets, `+model=smollm2`): a GGUF file or a Hugging Face folder
/// on the Torch engine, in this process.
enum HFLocalBackend: Backend {
    static let name = "hf_local"

    static func build(_ params: LocalModelParams, environment: ModelEnvironment) throws -> any LanguageModel {
        try LocalModel.build(params, backend: name, resolvePath: environment.resolvePath)
    }
}
