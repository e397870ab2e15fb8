import Foundation
import Tokenizers

/// Builds the byte-level BPE tokenizer a GGUF file describes (vocabulary, merges, token
/// types, and the pre-tokenizer named by `tokenizer.ggml.pre`), by writing the equivalent
/// `tokenizer.json` and reading it with the shared Tokenizers target.
enum GGUFTokenizer {
    static func make(_ file: GGUFFile) throws -> BPETokenizer {
        let m = file.metadata
        guard m["tokenizer.ggml.model"]?.string == "gpt2" else {
            throw ModelError(.invalidData, "\(file.path): tokenizer '\(m["tokenizer.ggml.model"]?.string ?? "none")' is not byte-level BPE",
                             hint: "GGUF files with tokenizer.ggml.model = gpt2 (Llama 3, Qwen2, SmolLM) are supported")
        }
        let tokens = m["tokenizer.ggml.tokens"]?.array?.compactMap(\.string) ?? []
        let merges = m["tokenizer.ggml.merges"]?.array?.compactMap(\.string) ?? []
        let types = m["tokenizer.ggml.token_type"]?.array?.compactMap(\.int) ?? []
        var vocab: [String: Int] = [:]
        for (id, token) in tokens.enumerated() where vocab[token] == nil { vocab[token] = id }
        // Control (3) and user-defined (4) tokens are matched whole before BPE, as added tokens.
        let added: [[String: Any]] = types.enumerated().compactMap { id, type in
            guard type == 3 || type == 4 else { return nil }
            return ["id": id, "content": tokens[id], "special": type == 3, "lstrip": false, "rstrip": false,
                    "normalized": false, "single_word": false]
        }
        let json: [String: Any] = [
            "model": ["type": "BPE", "vocab": vocab, "merges": merges],
            "pre_tokenizer": try preTokenizer(m["tokenizer.ggml.pre"]?.string ?? "default", file: file.path),
            "added_tokens": added,
        ]
        let data = try JSONSerialization.data(withJSONObject: json)
        return try BPETokenizer(json: data, source: file.path)
    }

    static let gpt2Pattern = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"
    static let llama3Pattern = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
    static let qwen2Pattern = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"

    /// The Hugging Face pre-tokenizer matching llama.cpp's pre-tokenizer type.
    static func preTokenizer(_ name: String, file: String) throws -> [String: Any] {
        func split(_ pattern: String) -> [String: Any] {
            ["type": "Split", "pattern": ["Regex": pattern], "behavior": "Isolated", "invert": false]
        }
        let byteLevel: [String: Any] = ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false]
        let byteLevelRegex: [String: Any] = ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true]
        switch name {
        case "default", "gpt2", "gpt-2":
            return byteLevelRegex
        case "smollm", "starcoder", "refact":
            // Digits one by one, then GPT-2's byte-level split (SmolLM2's tokenizer.json).
            return ["type": "Sequence", "pretokenizers": [split("\\p{N}"), byteLevelRegex]]
        case "llama3", "llama-v3", "llama-bpe", "smaug-bpe":
            return ["type": "Sequence", "pretokenizers": [split(llama3Pattern), byteLevel]]
        case "qwen2", "deepseek-r1-qwen":
            return ["type": "Sequence", "pretokenizers": [split(qwen2Pattern), byteLevel]]
        default:
            throw ModelError(.invalidData, "\(file): pre-tokenizer '\(name)' is not supported",
                             hint: "supported: default/gpt2, smollm, llama-bpe (Llama 3), qwen2")
        }
    }
}
