import Foundation

/// How a checkpoint's rotary position embedding turns positions into angles: the base
/// (`rope_theta`) and the frequency scaling, read from `config.json` as transformers writes it.
///
/// transformers 5 keeps both in `rope_parameters` (`{"rope_theta": 100000.0, "rope_type":
/// "default"}`); older versions write a top-level `rope_theta` and an optional `rope_scaling`
/// (`{"type"|"rope_type": "linear"|"llama3", ...}`). Both are read. A scaling type we do not
/// implement is an error: a silent default would score every item wrongly.
struct RotaryEmbedding: Sendable, Hashable {
    enum Scaling: Sendable, Hashable {
        case none
        /// Position interpolation: every frequency divided by `factor`.
        case linear(factor: Double)
        /// Llama 3.1's: low frequencies divided by `factor`, high ones kept, a smooth ramp between.
        case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double, originalContext: Double)
        /// One divisor per frequency, as llama.cpp stores llama3 scaling (`rope_freqs.weight` in a GGUF).
        case frequencyFactors([Float])
    }

    var theta: Double
    var scaling: Scaling

    static let defaultTheta = 10000.0

    /// Reads `rope_parameters` (transformers 5), else `rope_theta` and `rope_scaling`.
    ///
    /// - Throws: ``ModelError`` `.invalidData` naming the file and key for an unknown or
    ///   incomplete `rope_type`.
    static func read(config: [String: Any], file: String) throws -> RotaryEmbedding {
        let parameters = config["rope_parameters"] as? [String: Any]
        let scalingObject = parameters ?? (config["rope_scaling"] as? [String: Any])
        let theta = number(parameters?["rope_theta"]) ?? number(config["rope_theta"]) ?? defaultTheta
        guard let scalingObject else { return RotaryEmbedding(theta: theta, scaling: .none) }
        let key = parameters != nil ? "rope_parameters" : "rope_scaling"
        let type = (scalingObject["rope_type"] ?? scalingObject["type"]) as? String ?? "default"
        func factor(_ name: String) throws -> Double {
            guard let value = number(scalingObject[name]) else {
                throw ModelError(.invalidData, "\(file): '\(key).\(name)' is missing for rope_type '\(type)'",
                                 hint: "the checkpoint's config.json is incomplete; compare it with the model's published config")
            }
            return value
        }
        switch type {
        case "default":
            return RotaryEmbedding(theta: theta, scaling: .none)
        case "linear":
            return RotaryEmbedding(theta: theta, scaling: .linear(factor: try factor("factor")))
        case "llama3":
            return RotaryEmbedding(theta: theta, scaling: .llama3(
                factor: try factor("factor"), lowFrequencyFactor: try factor("low_freq_factor"),
                highFrequencyFactor: try factor("high_freq_factor"), originalContext: try factor("original_max_position_embeddings")))
        default:
            throw ModelError(.invalidData, "\(file): '\(key).rope_type' is '\(type)', which this engine does not implement",
                             hint: "supported: default, linear, llama3; the logits would be wrong with any other")
        }
    }

    /// The inverse frequencies of the even dimensions, computed as transformers does (in float32).
    func inverseFrequencies(headDim: Int) -> [Float] {
        let base = (0..<(headDim / 2)).map { i -> Float in
            1 / powf(Float(theta), Float(2 * i) / Float(headDim))
        }
        switch scaling {
        case .none:
            return base
        case .linear(let factor):
            return base.map { $0 / Float(factor) }
        case .llama3(let factor, let low, let high, let original):
            let lowWavelength = Float(original / low), highWavelength = Float(original / high)
            return base.map { frequency in
                let wavelength = 2 * Float.pi / frequency
                if wavelength < highWavelength { return frequency }
                if wavelength > lowWavelength { return frequency / Float(factor) }
                let smooth = (Float(original) / wavelength - Float(low)) / Float(high - low)
                return (1 - smooth) * frequency / Float(factor) + smooth * frequency
            }
        case .frequencyFactors(let factors):
            return zip(base, factors).map { $0 / $1 }
        }
    }

    /// Reads a GGUF's `<arch>.rope.*` metadata; llama3 scaling arrives later as the
    /// `rope_freqs.weight` tensor (see ``LlamaCheckpoint``).
    static func read(gguf metadata: [String: GGUFFile.Value], architecture arch: String, file: String) throws -> RotaryEmbedding {
        let theta = metadata["\(arch).rope.freq_base"]?.double ?? defaultTheta
        let type = metadata["\(arch).rope.scaling.type"]?.string ?? "none"
        switch type {
        case "none":
            return RotaryEmbedding(theta: theta, scaling: .none)
        case "linear":
            guard let factor = metadata["\(arch).rope.scaling.factor"]?.double else {
                throw ModelError(.invalidData, "\(file): '\(arch).rope.scaling.factor' is missing for linear RoPE scaling", hint: nil)
            }
            return RotaryEmbedding(theta: theta, scaling: factor == 1 ? .none : .linear(factor: factor))
        default:
            throw ModelError(.invalidData, "\(file): RoPE scaling '\(type)' (\(arch).rope.scaling.type) is not implemented",
                             hint: "supported: none, linear, and llama3 frequency factors (rope_freqs); the logits would be wrong with any other")
        }
    }

    private static func number(_ value: Any?) -> Double? {
        if let d = value as? Double { return d }
        if let i = value as? Int { return Double(i) }
        return nil
    }
}
