import Foundation

/// Picks the next token from logits: greedy at temperature 0, else temperature, top-k, top-p
/// and repetition penalty (as Hugging Face's logits processors apply them), from a seeded
/// generator so a seed reproduces a sample.
struct Sampler: Sendable {
    var temperature: Double
    var topP: Double
    var topK: Int
    var repetitionPenalty: Double
    var generator: SeededGenerator

    init(temperature: Double, topP: Double, topK: Int, repetitionPenalty: Double, seed: Int) {
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.repetitionPenalty = repetitionPenalty
        generator = SeededGenerator(state: UInt64(bitPattern: Int64(seed)))
    }

    /// Whether ``next(_:history:)`` reads the history (only the repetition penalty does).
    var needsHistory: Bool { repetitionPenalty != 1 }

    mutating func next(_ logits: UnsafeBufferPointer<Float>, history: [Int32]) -> Int32 {
        // Greedy without a penalty reads the logits in place (64 streams: 12 MB a step not copied).
        if temperature <= 0 && !needsHistory { return Int32(Self.argmax(logits)) }
        var scores = Array(logits)
        if repetitionPenalty != 1 {
            for id in Set(history) where scores.indices.contains(Int(id)) {
                let s = scores[Int(id)]
                scores[Int(id)] = s > 0 ? s / Float(repetitionPenalty) : s * Float(repetitionPenalty)
            }
        }
        if temperature <= 0 { return Int32(Self.argmax(scores)) }
        var candidates = scores.indices.map { ($0, Double(scores[$0]) / temperature) }
        candidates.sort { $0.1 > $1.1 }
        if topK > 0 { candidates = Array(candidates.prefix(topK)) }
        let top = candidates[0].1
        var probs = candidates.map { exp($0.1 - top) }
        let total = probs.reduce(0, +)
        probs = probs.map { $0 / total }
        if topP < 1 {
            var cumulative = 0.0, keep = 0
            for p in probs { cumulative += p; keep += 1; if cumulative >= topP { break } }
            candidates = Array(candidates.prefix(keep))
            let kept = probs.prefix(keep).reduce(0, +)
            probs = probs.prefix(keep).map { $0 / kept }
        }
        var draw = generator.unitDouble()
        for (i, p) in probs.enumerated() {
            draw -= p
            if draw <= 0 { return Int32(candidates[i].0) }
        }
        return Int32(candidates[candidates.count - 1].0)
    }

    /// The index of the largest value, the first one where several are equal (NaN is never
    /// the largest). Sixteen lanes at a time: the scalar loop took 3 ms of a 64-stream step
    /// (SmolLM2's 49,152 logits a row), a tenth of the step, while the other core waited.
    static func argmax(_ values: UnsafeBufferPointer<Float>) -> Int {
        guard let base = values.baseAddress, !values.isEmpty else { return 0 }
        let count = values.count, whole = count / 16 * 16
        let raw = UnsafeRawPointer(base)
        var lanes = SIMD16<Float>(repeating: -.infinity)
        for i in stride(from: 0, to: whole, by: 16) {
            let chunk = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            // NaN lanes compare false, so they never replace a value.
            lanes.replace(with: chunk, where: chunk .> lanes)
        }
        var largest = lanes.max()
        for i in whole..<count where values[i] > largest { largest = values[i] }
        for i in 0..<count where values[i] == largest { return i }
        return 0
    }

    static func argmax(_ values: [Float]) -> Int { values.withUnsafeBufferPointer { argmax($0) } }
}
