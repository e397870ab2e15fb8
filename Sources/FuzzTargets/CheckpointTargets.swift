import Foundation
@testable import Models
import Tokenizers

/// Checkpoint files and tokenizers: headers read from untrusted files.
enum CheckpointTargets {
    /// A GGUF file: header, metadata, tensor directory, the tokenizer built from its metadata.
    static func gguf(_ data: [UInt8]) {
        let path = writeScratch("fuzz.gguf", Array("GGUF".utf8) + data)
        shaped("gguf") {
            let file = try GGUFFile(path: path)
            for tensor in file.tensors.prefix(4) { _ = try? file.floats(tensor) }
            _ = try LlamaCheckpoint.gguf(path)
        }
    }

    /// A safetensors file: the header length, the JSON header, each tensor's bytes.
    static func safetensors(_ data: [UInt8]) {
        let path = writeScratch("fuzz.safetensors", data)
        shaped("safetensors") {
            let file = try SafetensorsFile(path: path)
            for name in file.entries.keys.sorted().prefix(8) { _ = try file.raw(name) }
        }
    }

    /// A tokenizer.json, then encoding and decoding a few strings with it.
    static func tokenizer(_ data: [UInt8]) {
        shaped("tokenizer") {
            let tokenizer = try BPETokenizer(json: Data(data), source: "fuzz/tokenizer.json")
            for sample in ["Hello world", " leading", "<|im_start|>user\nHi<|im_end|>", "日本語 🙂", "a  b\t\n", ""] {
                let ids = tokenizer.encode(sample)
                _ = tokenizer.decode(ids, skipSpecial: true)
            }
        }
    }
}
