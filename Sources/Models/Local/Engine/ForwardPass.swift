/// The rows of one call of the engine's forward pass (`rt_forward`): any mix of sequences,
/// each row a token at a position of a cache slot, and the rows whose logits come back.
/// Cached contexts are copied between slots first (`copies`).
struct ForwardPass: Equatable {
    struct Copy: Equatable {
        var from: Int32, to: Int32, length: Int32
    }

    /// Which rows of an appended run return logits.
    enum Logits { case none, last, all }

    var copies: [Copy] = []
    var slots: [Int32] = []
    var tokens: [Int32] = []
    var positions: [Int32] = []
    var logitRows: [Int32] = []

    var isEmpty: Bool { tokens.isEmpty }

    /// Appends `run` as the tokens at positions start, start + 1, ... of `slot`.
    mutating func append(slot: Int32, tokens run: ArraySlice<Int32>, from start: Int, logits: Logits) {
        for (offset, token) in run.enumerated() {
            if logits == .all || (logits == .last && offset == run.count - 1) { logitRows.append(Int32(slots.count)) }
            slots.append(slot)
            tokens.append(token)
            positions.append(Int32(start + offset))
        }
    }
}
