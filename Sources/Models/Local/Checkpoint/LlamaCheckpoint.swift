internal import CTorchAPI
import Foundation
import Tokenizers

/// A Llama-family checkpoint on disk, GGUF or Hugging Face format: the architecture, the
/// tokenizer, the chat template, and a way to hand every weight (by its Hugging Face name)
/// to the engine.
struct LlamaCheckpoint: @unchecked Sendable {
    // The sources are immutable after loading.
    struct Architecture: Sendable, Hashable {
        var vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, headDim, contextLength: Int
        var rope: RotaryEmbedding
        var rmsNormEps: Double
        var tieEmbeddings, attentionBias: Bool
    }

    enum Source {
        case gguf(GGUFFile)
        case huggingFace(folder: String, files: [String: SafetensorsFile], weightFile: [String: String])
    }

    var path: String
    var architecture: Architecture
    var tokenizer: BPETokenizer
    var chatTemplate: String?
    var bosToken: String
    var eosToken: String
    var stopTokenIDs: Set<Int>
    var addBOS: Bool
    /// File name and size: enough to tell checkpoints apart in the cache key without hashing
    /// gigabytes at every start.
    var identity: String
    /// The dtype the weights are stored in, in transformers' words (`float32`, `bfloat16`,
    /// `float16`): what `dtype: auto` computes in. A GGUF counts as float32, the dtype
    /// transformers dequantizes one to.
    var storedDType = "float32"
    var source: Source

    /// Opens a `.gguf` file or a Hugging Face folder.
    static func open(_ path: String) throws -> LlamaCheckpoint {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            // A relative path reaching here was found nowhere the runner looks: say where that is.
            let looked = path.hasPrefix("/") ? "" : "; a relative path is looked up beside the config folders, then in the current folder, and models/... also in $RUNNER_MODELS"
            throw ModelError(.configuration, "checkpoint not found: \(path)",
                             hint: "set model.params.checkpoint_path to a .gguf file or a Hugging Face model folder (scripts/setup.sh fetches SmolLM2 into models/)" + looked,
                             keyPath: "model.params.checkpoint_path")
        }
        return isDirectory.boolValue ? try huggingFace(path) : try gguf(path)
    }

    // MARK: - GGUF

    static func gguf(_ path: String) throws -> LlamaCheckpoint {
        let file = try GGUFFile(path: path)
        let m = file.metadata
        guard let arch = m["general.architecture"]?.string else {
            throw ModelError(.invalidData, "\(path) has no general.architecture", hint: "the file is not a model GGUF")
        }
        guard ["llama", "qwen2", "mistral"].contains(arch) else {
            throw ModelError(.invalidData, "\(path) is a '\(arch)' model; the Llama family (llama, mistral, qwen2) is supported", hint: nil)
        }
        func int(_ key: String) throws -> Int {
            guard let v = m["\(arch).\(key)"]?.int else { throw ModelError(.invalidData, "\(path) lacks metadata '\(arch).\(key)'", hint: nil) }
            return v
        }
        guard let tokens = m["tokenizer.ggml.tokens"]?.array?.compactMap(\.string) else {
            throw ModelError(.invalidData, "\(path) has no tokenizer vocabulary (tokenizer.ggml.tokens)", hint: nil)
        }
        let heads = try int("attention.head_count")
        let hidden = try int("embedding_length")
        let names = Set(file.tensors.map(\.name))
        var rope = try RotaryEmbedding.read(gguf: m, architecture: arch, file: path)
        // llama3 scaling: llama.cpp's converter stores one divisor per frequency.
        if let factors = file.tensors.first(where: { $0.name == "rope_freqs.weight" }) {
            rope.scaling = .frequencyFactors(try file.floats(factors))
        }
        let architecture = Architecture(
            vocabSize: m["\(arch).vocab_size"]?.int ?? tokens.count, hiddenSize: hidden, intermediateSize: try int("feed_forward_length"),
            layers: try int("block_count"), heads: heads, kvHeads: m["\(arch).attention.head_count_kv"]?.int ?? heads,
            headDim: m["\(arch).rope.dimension_count"]?.int ?? hidden / heads, contextLength: try int("context_length"),
            rope: rope, rmsNormEps: m["\(arch).attention.layer_norm_rms_epsilon"]?.double ?? 1e-5,
            tieEmbeddings: !names.contains("output.weight"), attentionBias: names.contains("blk.0.attn_q.bias"))
        let tokenizer = try GGUFTokenizer.make(file)
        let bos = m["tokenizer.ggml.bos_token_id"]?.int
        let eos = m["tokenizer.ggml.eos_token_id"]?.int
        var stops = Set<Int>()
        if let eos { stops.insert(eos) }
        if let eot = m["tokenizer.ggml.eot_token_id"]?.int { stops.insert(eot) }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return LlamaCheckpoint(
            path: path, architecture: architecture, tokenizer: tokenizer, chatTemplate: m["tokenizer.chat_template"]?.string,
            bosToken: bos.flatMap { tokens.indices.contains($0) ? tokens[$0] : nil } ?? "",
            eosToken: eos.flatMap { tokens.indices.contains($0) ? tokens[$0] : nil } ?? "",
            stopTokenIDs: stops, addBOS: m["tokenizer.ggml.add_bos_token"]?.bool ?? (arch == "llama" && m["tokenizer.ggml.model"]?.string == "llama"),
            identity: "\((path as NSString).lastPathComponent):\(size)", source: .gguf(file))
    }

    /// llama.cpp's converter stores q_proj and k_proj rows interleaved for its RoPE; this puts
    /// them back in Hugging Face's order (rows split into halves per head).
    static func unpermute(_ w: [Float], rows: Int, columns: Int, heads: Int) -> [Float] {
        let perHead = rows / heads, half = perHead / 2
        var out = [Float](repeating: 0, count: w.count)
        for h in 0..<heads {
            for i in 0..<half {
                for pair in 0..<2 {
                    // GGUF row (h, i, pair) came from HF row (h, pair, i).
                    let src = (h * perHead + i * 2 + pair) * columns
                    let dst = (h * perHead + pair * half + i) * columns
                    out.withUnsafeMutableBufferPointer { o in
                        w.withUnsafeBufferPointer { s in
                            (o.baseAddress! + dst).update(from: s.baseAddress! + src, count: columns)
                        }
                    }
                }
            }
        }
        return out
    }

    static func huggingFaceName(gguf name: String) -> String? {
        let fixed = ["token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight", "output.weight": "lm_head.weight"]
        if let n = fixed[name] { return n }
        let parts = name.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0] == "blk", let layer = Int(parts[1]) else { return nil }
        let map = ["attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj",
                   "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj",
                   "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm"]
        let rest = parts[2].split(separator: ".")
        guard rest.count == 2, let mapped = map[String(rest[0])] else { return nil }
        return "model.layers.\(layer).\(mapped).\(rest[1])"
    }

    // MARK: - Hugging Face

    static func huggingFace(_ folder: String) throws -> LlamaCheckpoint {
        func json(_ name: String, required: Bool) throws -> [String: Any]? {
            let file = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: file) else {
                if required { throw ModelError(.invalidData, "\(file) not found", hint: "a Hugging Face model folder holds config.json, model.safetensors and tokenizer.json") }
                return nil
            }
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ModelError(.invalidData, "\(file) is not valid JSON", hint: nil)
            }
            return object
        }
        let config = try json("config.json", required: true)!
        let type = config["model_type"] as? String ?? "llama"
        guard ["llama", "mistral", "qwen2"].contains(type) else {
            throw ModelError(.invalidData, "\(folder)/config.json: model_type '\(type)' is not in the Llama family (llama, mistral, qwen2)", hint: nil)
        }
        func int(_ key: String) throws -> Int {
            guard let v = config[key] as? Int else { throw ModelError(.invalidData, "\(folder)/config.json lacks '\(key)'", hint: nil) }
            return v
        }
        let heads = try int("num_attention_heads"), hidden = try int("hidden_size")
        let architecture = Architecture(
            vocabSize: try int("vocab_size"), hiddenSize: hidden, intermediateSize: try int("intermediate_size"),
            layers: try int("num_hidden_layers"), heads: heads, kvHeads: config["num_key_value_heads"] as? Int ?? heads,
            headDim: config["head_dim"] as? Int ?? hidden / heads, contextLength: config["max_position_embeddings"] as? Int ?? 2048,
            rope: try RotaryEmbedding.read(config: config, file: folder + "/config.json"), rmsNormEps: config["rms_norm_eps"] as? Double ?? 1e-6,
            tieEmbeddings: config["tie_word_embeddings"] as? Bool ?? false, attentionBias: type == "qwen2" || (config["attention_bias"] as? Bool ?? false))

        // Weights: one model.safetensors, or shards listed in model.safetensors.index.json.
        var files: [String: SafetensorsFile] = [:]
        var weightFile: [String: String] = [:]
        if let index = try json("model.safetensors.index.json", required: false), let map = index["weight_map"] as? [String: String] {
            for (weight, shard) in map {
                if files[shard] == nil { files[shard] = try SafetensorsFile(path: folder + "/" + shard) }
                weightFile[weight] = shard
            }
        } else {
            let single = try SafetensorsFile(path: folder + "/model.safetensors")
            files["model.safetensors"] = single
            for name in single.entries.keys { weightFile[name] = "model.safetensors" }
        }
        guard let tokenizerData = FileManager.default.contents(atPath: folder + "/tokenizer.json") else {
            throw ModelError(.invalidData, "\(folder)/tokenizer.json not found", hint: "the folder needs the model's tokenizer.json")
        }
        let tokenizer = try BPETokenizer(json: tokenizerData, source: folder + "/tokenizer.json")
        let tokenizerConfig = try json("tokenizer_config.json", required: false) ?? [:]
        let generation = try json("generation_config.json", required: false) ?? [:]
        func tokenText(_ key: String) -> String {
            if let s = tokenizerConfig[key] as? String { return s }
            return (tokenizerConfig[key] as? [String: Any])?["content"] as? String ?? ""
        }
        var stops = Set<Int>()
        for source in [generation["eos_token_id"], config["eos_token_id"]] {
            if let id = source as? Int { stops.insert(id) }
            if let ids = source as? [Int] { stops.formUnion(ids) }
        }
        let eos = tokenText("eos_token")
        if let id = tokenizer.encode(eos).first, !eos.isEmpty, tokenizer.encode(eos).count == 1 { stops.insert(id) }
        // transformers 5 writes the template to its own file, which wins over tokenizer_config.json
        // as it does when transformers loads the folder.
        var template = FileManager.default.contents(atPath: folder + "/chat_template.jinja").flatMap { String(data: $0, encoding: .utf8) }
        if template == nil { template = tokenizerConfig["chat_template"] as? String }
        if template == nil, let list = tokenizerConfig["chat_template"] as? [[String: Any]] {
            template = list.first { $0["name"] as? String == "default" }?["template"] as? String
        }
        let size = files.values.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1.path)[.size] as? Int) ?? 0) }
        var checkpoint = LlamaCheckpoint(
            path: folder, architecture: architecture, tokenizer: tokenizer, chatTemplate: template,
            bosToken: tokenText("bos_token"), eosToken: eos, stopTokenIDs: stops,
            addBOS: tokenizerConfig["add_bos_token"] as? Bool ?? false,
            identity: "\((folder as NSString).lastPathComponent):\(size)",
            source: .huggingFace(folder: folder, files: files, weightFile: weightFile))
        checkpoint.storedDType = try Self.storedDType(config: config, files: files, weightFile: weightFile, file: folder + "/config.json")
        return checkpoint
    }

    /// config.json's `dtype` (transformers 5) or `torch_dtype` (before), as transformers reads it
    /// for `dtype="auto"`; without either, the weights' own type (the first linear layer's).
    static func storedDType(config: [String: Any], files: [String: SafetensorsFile], weightFile: [String: String], file: String) throws -> String {
        if let declared = (config["dtype"] ?? config["torch_dtype"]) as? String {
            let name = declared.hasPrefix("torch.") ? String(declared.dropFirst(6)) : declared
            guard ["float32", "bfloat16", "float16", "float", "half"].contains(name) else {
                throw ModelError(.invalidData, "\(file): dtype '\(declared)' is not one this engine reads",
                                 hint: "float32, bfloat16 or float16 checkpoints; or set model.params.dtype=float32")
            }
            return name == "float" ? "float32" : name == "half" ? "float16" : name
        }
        let probe = weightFile.keys.sorted().first { $0.hasSuffix("q_proj.weight") } ?? weightFile.keys.sorted().first
        guard let probe, let shard = weightFile[probe], let entry = files[shard]?.entries[probe] else { return "float32" }
        switch entry.dtype {
        case "BF16": return "bfloat16"
        case "F16": return "float16"
        default: return "float32"
        }
    }

    // MARK: - Weights

    /// Hands every weight to `body` by Hugging Face name, with the engine's dtype code.
    func forEachWeight(_ body: (String, Int32, [Int], UnsafeRawPointer) throws -> Void) throws {
        switch source {
        case .gguf(let file):
            let isLlamaRoPE = file.metadata["general.architecture"]?.string != "qwen2"
            for tensor in file.tensors {
                guard let name = Self.huggingFaceName(gguf: tensor.name) else {
                    if tensor.name.hasPrefix("rope_freqs") { continue }
                    throw ModelError(.invalidData, "\(path): tensor '\(tensor.name)' has no place in a Llama model", hint: nil)
                }
                var values = try file.floats(tensor)
                let shape = tensor.shape
                if isLlamaRoPE, name.hasSuffix("q_proj.weight") || name.hasSuffix("k_proj.weight") {
                    let heads = name.hasSuffix("q_proj.weight") ? architecture.heads : architecture.kvHeads
                    values = Self.unpermute(values, rows: shape[0], columns: shape.count > 1 ? shape[1] : 1, heads: heads)
                } else if isLlamaRoPE, name.hasSuffix("q_proj.bias") || name.hasSuffix("k_proj.bias") {
                    let heads = name.hasSuffix("q_proj.bias") ? architecture.heads : architecture.kvHeads
                    values = Self.unpermute(values, rows: shape[0], columns: 1, heads: heads)
                }
                try values.withUnsafeBytes { try body(name, Int32(RT_F32), shape, $0.baseAddress!) }
            }
        case .huggingFace(_, let files, let weightFile):
            for (name, shard) in weightFile.sorted(by: { $0.key < $1.key }) {
                if name.hasSuffix("rotary_emb.inv_freq") { continue }
                if architecture.tieEmbeddings && name == "lm_head.weight" { continue }
                let (bytes, dtype, shape) = try files[shard]!.raw(name)
                try body(name, dtype, shape, bytes.baseAddress!)
            }
        }
    }
}
