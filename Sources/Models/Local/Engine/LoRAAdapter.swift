import Foundation

/// A PEFT LoRA adapter (`adapter_config.json` and `adapter_model.safetensors`), merged into
/// the base weights at load: W += (alpha / r) * B @ A.
struct LoRAAdapter {
    let folder: String
    let scale: Double
    let file: SafetensorsFile

    init(folder: String) throws {
        self.folder = folder
        guard let data = FileManager.default.contents(atPath: folder + "/adapter_config.json"),
              let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ModelError(.invalidData, "\(folder)/adapter_config.json not found or not JSON",
                             hint: "model.params.peft_model must name a PEFT LoRA folder (adapter_config.json, adapter_model.safetensors)")
        }
        guard (config["peft_type"] as? String ?? "LORA") == "LORA", let r = config["r"] as? Int, r > 0 else {
            throw ModelError(.invalidData, "\(folder)/adapter_config.json is not a LoRA adapter with a rank r", hint: nil)
        }
        scale = Double(config["lora_alpha"] as? Int ?? r) / Double(r)
        file = try SafetensorsFile(path: folder + "/adapter_model.safetensors")
    }

    func apply(to handle: OpaquePointer, library: TorchLibrary) throws {
        let pairs = file.entries.keys.filter { $0.hasSuffix(".lora_A.weight") }.sorted()
        guard !pairs.isEmpty else { throw ModelError(.invalidData, "\(file.path) has no lora_A weights", hint: nil) }
        for aName in pairs {
            let bName = aName.replacingOccurrences(of: ".lora_A.weight", with: ".lora_B.weight")
            // base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight -> model.layers.0.self_attn.q_proj.weight
            var base = aName.replacingOccurrences(of: ".lora_A.weight", with: ".weight")
            if base.hasPrefix("base_model.model.") { base.removeFirst("base_model.model.".count) }
            let a = try file.raw(aName), b = try file.raw(bName)
            guard a.dtype == b.dtype else { throw ModelError(.invalidData, "\(file.path): \(aName) and \(bName) differ in dtype", hint: nil) }
            try library.check(library.addLoRA(handle, base, a.dtype, a.shape.map(Int64.init), a.bytes.baseAddress,
                                              b.shape.map(Int64.init), b.bytes.baseAddress, scale), "LoRA \(folder)")
        }
    }
}
