import Foundation

/// A tiny Llama with random weights, written by the test itself as a Hugging Face folder
/// (config.json, model.safetensors, tokenizer.json, tokenizer_config.json) and as a GGUF file
/// (q/k rows permuted as llama.cpp's converter stores them), so both loaders can be compared.
struct TinyLlama {
    let vocab: [String]
    let merges: [String]
    let weights: [(name: String, shape: [Int], values: [Float])]
    let hidden = 32, intermediate = 64, layers = 2, heads = 4, kvHeads = 2, context = 128

    init(seed: UInt64) throws {
        // Byte-level vocabulary (GPT-2's byte-to-character map), a few merges, two specials.
        var byteChars: [String] = []
        var extra = 0
        for b in 0..<256 {
            let printable = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            let scalar = printable ? b : 256 + extra
            if !printable { extra += 1 }
            byteChars.append(String(Character(Unicode.Scalar(UInt32(scalar))!)))
        }
        let space = byteChars[32]
        merges = ["h e", "l l", "\(space) w", "o r", "he ll", "\(space)w or"]
        vocab = byteChars + ["he", "ll", "\(space)w", "or", "hell", "\(space)wor", "<s>", "</s>"]
        var state = seed
        func random() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Float(state >> 40) / Float(1 << 24) - 0.5) * 0.4
        }
        let v = vocab.count, qRows = heads * 8, kvRows = kvHeads * 8
        var weights: [(String, [Int], [Float])] = []
        func add(_ name: String, _ shape: [Int], norm: Bool = false) {
            let n = shape.reduce(1, *)
            weights.append((name, shape, (0..<n).map { _ in norm ? 1 + random() : random() }))
        }
        add("model.embed_tokens.weight", [v, hidden])
        for l in 0..<layers {
            let p = "model.layers.\(l)."
            add(p + "self_attn.q_proj.weight", [qRows, hidden])
            add(p + "self_attn.k_proj.weight", [kvRows, hidden])
            add(p + "self_attn.v_proj.weight", [kvRows, hidden])
            add(p + "self_attn.o_proj.weight", [hidden, qRows])
            add(p + "mlp.gate_proj.weight", [intermediate, hidden])
            add(p + "mlp.up_proj.weight", [intermediate, hidden])
            add(p + "mlp.down_proj.weight", [hidden, intermediate])
            add(p + "input_layernorm.weight", [hidden], norm: true)
            add(p + "post_attention_layernorm.weight", [hidden], norm: true)
        }
        add("model.norm.weight", [hidden], norm: true)
        add("lm_head.weight", [v, hidden])
        self.weights = weights
    }

    // MARK: - Hugging Face

    func writeHuggingFace(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config: [String: Any] = [
            "model_type": "llama", "vocab_size": vocab.count, "hidden_size": hidden, "intermediate_size": intermediate,
            "num_hidden_layers": layers, "num_attention_heads": heads, "num_key_value_heads": kvHeads, "rope_theta": 10000.0,
            "rms_norm_eps": 1e-5, "max_position_embeddings": context, "tie_word_embeddings": false, "eos_token_id": vocab.count - 1,
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        let tokenizer: [String: Any] = [
            "model": ["type": "BPE", "vocab": Dictionary(uniqueKeysWithValues: vocab.enumerated().map { ($1, $0) }), "merges": merges],
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
            "added_tokens": [["id": vocab.count - 2, "content": "<s>", "special": true], ["id": vocab.count - 1, "content": "</s>", "special": true]],
        ]
        try JSONSerialization.data(withJSONObject: tokenizer).write(to: folder.appendingPathComponent("tokenizer.json"))
        try JSONSerialization.data(withJSONObject: ["bos_token": "<s>", "eos_token": "</s>", "add_bos_token": false])
            .write(to: folder.appendingPathComponent("tokenizer_config.json"))
        try Self.writeSafetensors(weights, to: folder.appendingPathComponent("model.safetensors"))
    }

    // MARK: - LoRA

    /// Writes a PEFT LoRA adapter for layer 0's q_proj (rank 2, alpha 4) and returns a copy of
    /// this model with the adapter merged by hand: W + (alpha / r) * B @ A.
    func writeLoRA(to folder: URL, seed: UInt64) throws -> TinyLlama {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let r = 2, alpha = 4
        var state = seed
        func random() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Float(state >> 40) / Float(1 << 24) - 0.5) * 0.5
        }
        let target = "model.layers.0.self_attn.q_proj.weight"
        let base = weights.first { $0.name == target }!
        let (rows, columns) = (base.shape[0], base.shape[1])
        let a = (0..<(r * columns)).map { _ in random() }
        let b = (0..<(rows * r)).map { _ in random() }
        try JSONSerialization.data(withJSONObject: ["peft_type": "LORA", "r": r, "lora_alpha": alpha, "target_modules": ["q_proj"]])
            .write(to: folder.appendingPathComponent("adapter_config.json"))
        try Self.writeSafetensors([("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", [r, columns], a),
                                   ("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", [rows, r], b)],
                                  to: folder.appendingPathComponent("adapter_model.safetensors"))
        var merged = base.values
        let scale = Float(alpha) / Float(r)
        for i in 0..<rows {
            for j in 0..<columns {
                var sum: Float = 0
                for k in 0..<r { sum += b[i * r + k] * a[k * columns + j] }
                merged[i * columns + j] += scale * sum
            }
        }
        return TinyLlama(copying: self, replacing: target, with: merged)
    }

    private init(copying other: TinyLlama, replacing name: String, with values: [Float]) {
        vocab = other.vocab
        merges = other.merges
        weights = other.weights.map { $0.name == name ? ($0.name, $0.shape, values) : $0 }
    }

    static func writeSafetensors(_ tensors: [(name: String, shape: [Int], values: [Float])], to url: URL) throws {
        var header: [String: Any] = [:]
        var data = Data()
        for w in tensors {
            let start = data.count
            w.values.withUnsafeBytes { data.append(contentsOf: $0) }
            header[w.name] = ["dtype": "F32", "shape": w.shape, "data_offsets": [start, data.count]]
        }
        var headerData = try JSONSerialization.data(withJSONObject: header)
        while headerData.count % 8 != 0 { headerData.append(0x20) }
        var file = Data()
        var length = UInt64(headerData.count).littleEndian
        file.append(Data(bytes: &length, count: 8))
        file.append(headerData)
        file.append(data)
        try file.write(to: url)
    }

    // MARK: - GGUF

    func writeGGUF(to url: URL) throws {
        var out = Data()
        func u32(_ v: UInt32) { var x = v.littleEndian; out.append(Data(bytes: &x, count: 4)) }
        func u64(_ v: UInt64) { var x = v.littleEndian; out.append(Data(bytes: &x, count: 8)) }
        func f32(_ v: Float) { u32(v.bitPattern) }
        func string(_ s: String) { u64(UInt64(s.utf8.count)); out.append(contentsOf: Array(s.utf8)) }
        let tensorNames: [(gguf: String, index: Int)] = weights.enumerated().map { i, w in (Self.ggufName(w.name), i) }
        var kv: [(String, () -> Void)] = [
            ("general.architecture", { u32(8); string("llama") }),
            ("llama.block_count", { u32(4); u32(UInt32(layers)) }),
            ("llama.context_length", { u32(4); u32(UInt32(context)) }),
            ("llama.embedding_length", { u32(4); u32(UInt32(hidden)) }),
            ("llama.feed_forward_length", { u32(4); u32(UInt32(intermediate)) }),
            ("llama.attention.head_count", { u32(4); u32(UInt32(heads)) }),
            ("llama.attention.head_count_kv", { u32(4); u32(UInt32(kvHeads)) }),
            ("llama.rope.freq_base", { u32(6); f32(10000) }),
            ("llama.attention.layer_norm_rms_epsilon", { u32(6); f32(1e-5) }),
            ("tokenizer.ggml.model", { u32(8); string("gpt2") }),
            ("tokenizer.ggml.pre", { u32(8); string("default") }),
            ("tokenizer.ggml.eos_token_id", { u32(4); u32(UInt32(vocab.count - 1)) }),
            ("tokenizer.ggml.bos_token_id", { u32(4); u32(UInt32(vocab.count - 2)) }),
        ]
        kv.append(("tokenizer.ggml.tokens", { u32(9); u32(8); u64(UInt64(vocab.count)); for t in vocab { string(t) } }))
        kv.append(("tokenizer.ggml.merges", { u32(9); u32(8); u64(UInt64(merges.count)); for m in merges { string(m) } }))
        kv.append(("tokenizer.ggml.token_type", { u32(9); u32(5); u64(UInt64(vocab.count)); for i in vocab.indices { u32(i >= vocab.count - 2 ? 3 : 1) } }))
        out.append(contentsOf: Array("GGUF".utf8))
        u32(3)
        u64(UInt64(weights.count))
        u64(UInt64(kv.count))
        for (key, write) in kv { string(key); write() }
        var offset = 0
        var blobs: [Data] = []
        for (name, index) in tensorNames {
            let w = weights[index]
            var values = w.values
            if name.hasSuffix("attn_q.weight") { values = Self.permute(values, rows: w.shape[0], columns: w.shape[1], heads: heads) }
            if name.hasSuffix("attn_k.weight") { values = Self.permute(values, rows: w.shape[0], columns: w.shape[1], heads: kvHeads) }
            string(name)
            u32(UInt32(w.shape.count))
            for d in w.shape.reversed() { u64(UInt64(d)) }
            u32(0)
            u64(UInt64(offset))
            var blob = values.withUnsafeBytes { Data($0) }
            while blob.count % 32 != 0 { blob.append(0) }
            blobs.append(blob)
            offset += blob.count
        }
        while out.count % 32 != 0 { out.append(0) }
        for blob in blobs { out.append(blob) }
        try out.write(to: url)
    }

    /// llama.cpp's converter: rows (head, pair, i) are stored as (head, i, pair).
    static func permute(_ w: [Float], rows: Int, columns: Int, heads: Int) -> [Float] {
        let perHead = rows / heads, half = perHead / 2
        var out = w
        for h in 0..<heads {
            for pair in 0..<2 {
                for i in 0..<half {
                    let src = (h * perHead + pair * half + i) * columns
                    let dst = (h * perHead + i * 2 + pair) * columns
                    for c in 0..<columns { out[dst + c] = w[src + c] }
                }
            }
        }
        return out
    }

    static func ggufName(_ hf: String) -> String {
        if hf == "model.embed_tokens.weight" { return "token_embd.weight" }
        if hf == "model.norm.weight" { return "output_norm.weight" }
        if hf == "lm_head.weight" { return "output.weight" }
        let map = ["self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
                   "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down",
                   "input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm"]
        let parts = hf.split(separator: ".")
        let layer = parts[2]
        let module = parts[3..<(parts.count - 1)].joined(separator: ".")
        return "blk.\(layer).\(map[module]!).weight"
    }
}
