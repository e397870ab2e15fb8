/// Loglikelihood requests scored together: each distinct context once, packed end to end with
/// the others in one forward pass (a cache slot each), and the continuations after them.
///
/// A multiple-choice question's choices share a context: it is run once, and a one-token
/// continuation costs nothing more than the logits of the context's last row. A longer
/// continuation needs the context's keys and values in its slot; the first such request of a
/// context continues in the context's own slot (in the same pass), each further one in a slot
/// of its own, with the context copied into it first (a second pass).
///
/// The plan is pure arithmetic on token ids; ``LocalEngine`` runs its passes.
struct ScoringBatch {
    struct Request: Equatable {
        var context: [Int32]
        var continuation: [Int32]
    }

    /// A context already in the scoring slot (`slots[0]`), with its last row's logits: the
    /// scoring slot keeps a batch's first context, so requests that arrive one by one (a
    /// sequential run) do not run their shared context again.
    struct Resident {
        var context: [Int32]
        var logits: [Float]
    }

    /// Where a request's logits are: its context's last row, then one row per continuation
    /// token after the first (pass, index among that pass's logit rows).
    private struct Lookup {
        var context: (pass: Int, index: Int)?   // nil: the resident context's logits
        var continuation: (pass: Int, start: Int)?
    }

    /// How many of the requests (a prefix) the batch holds; at least one.
    let count: Int
    /// One or two passes; the second only when a context has several long continuations.
    let passes: [ForwardPass]
    /// The context the scoring slot holds after the batch, and the index of its logits among
    /// the first pass's (nil: the resident's, unchanged).
    let nextResident: (context: [Int32], logitIndex: Int?)?
    private let lookups: [Lookup]
    private let continuations: [[Int32]]
    private let resident: Resident?

    /// Plans the longest prefix of `requests` that fits `slots` (the first is the scoring
    /// slot; the others are free generation slots lent for the batch), `rowBudget` rows and
    /// `logitBudget` logit rows per pass. The first request always fits. The resident context
    /// is kept only when the first request continues it (the choices of one question arrive
    /// together); otherwise its slot is reused.
    init(_ requests: [Request], slots: [Int32], resident: Resident?, rowBudget: Int, logitBudget: Int) {
        precondition(!requests.isEmpty && !slots.isEmpty)
        struct Group { var slot: Int32; var contextLogit: Int?; var continuesInSlot = false }
        let resident = resident.flatMap { $0.context == requests[0].context ? $0 : nil }
        var groups: [[Int32]: Group] = [:]
        var free = slots
        var scoringSlotContext: [Int32]?
        if let resident {
            free.removeFirst()
            groups[resident.context] = Group(slot: slots[0], contextLogit: nil)
            scoringSlotContext = resident.context
        }
        var first = ForwardPass(), second = ForwardPass()
        var lookups: [Lookup] = []
        for request in requests {
            let group = groups[request.context]
            let long = request.continuation.count > 1
            let ownSlot = long && (group?.continuesInSlot ?? false)
            let slotsNeeded = (group == nil ? 1 : 0) + (ownSlot ? 1 : 0)
            let firstRows = (group == nil ? request.context.count : 0) + (long && !ownSlot ? request.continuation.count - 1 : 0)
            let firstLogits = (group == nil ? 1 : 0) + (long && !ownSlot ? request.continuation.count - 1 : 0)
            let secondRows = ownSlot ? request.continuation.count - 1 : 0
            let fits = slotsNeeded <= free.count && first.tokens.count + firstRows <= rowBudget
                && first.logitRows.count + firstLogits <= logitBudget
                && second.tokens.count + secondRows <= rowBudget && second.logitRows.count + secondRows <= logitBudget
            if !lookups.isEmpty && !fits { break }
            var g: Group
            if let group {
                g = group
            } else {
                // New contexts take the scoring slot first: it is the one that stays resident.
                let slot = free.removeFirst()
                if slot == slots[0] { scoringSlotContext = request.context }
                g = Group(slot: slot, contextLogit: first.logitRows.count)
                first.append(slot: slot, tokens: request.context[...], from: 0, logits: .last)
            }
            var lookup = Lookup(context: g.contextLogit.map { (0, $0) }, continuation: nil)
            if long {
                let rest = request.continuation.dropLast()
                if ownSlot {
                    let slot = free.removeFirst()
                    second.copies.append(.init(from: g.slot, to: slot, length: Int32(request.context.count)))
                    lookup.continuation = (1, second.logitRows.count)
                    second.append(slot: slot, tokens: rest, from: request.context.count, logits: .all)
                } else {
                    g.continuesInSlot = true
                    lookup.continuation = (0, first.logitRows.count)
                    first.append(slot: g.slot, tokens: rest, from: request.context.count, logits: .all)
                }
            }
            groups[request.context] = g
            lookups.append(lookup)
        }
        count = lookups.count
        self.lookups = lookups
        continuations = requests.prefix(lookups.count).map(\.continuation)
        self.resident = resident
        passes = second.tokens.isEmpty ? [first] : [first, second]
        nextResident = scoringSlotContext.map { ($0, groups[$0]?.contextLogit) }
    }

    /// The log probability and greediness of each request, from each pass's logits
    /// (logit rows x vocabulary, in the order of its `logitRows`).
    func results(_ logits: [[Float]], vocabulary: Int) -> [(Double, Bool)] {
        (0..<count).map { i in
            let lookup = lookups[i], continuation = continuations[i]
            func score(_ row: UnsafeBufferPointer<Float>, _ token: Int32) -> (Double, Bool) {
                let (lp, best) = LocalEngine.logSoftmax(row, at: Int(token))
                return (lp, best == Int(token))
            }
            func row(pass: Int, index: Int, _ token: Int32) -> (Double, Bool) {
                logits[pass].withUnsafeBufferPointer { all in
                    score(UnsafeBufferPointer(rebasing: all[(index * vocabulary)..<((index + 1) * vocabulary)]), token)
                }
            }
            // No context row only for the resident's group (init), so `resident` is set then.
            var (total, greedy) = lookup.context.map { row(pass: $0.pass, index: $0.index, continuation[0]) }
                ?? resident!.logits.withUnsafeBufferPointer { score($0, continuation[0]) }
            if let (pass, start) = lookup.continuation {
                for k in 1..<continuation.count {
                    let (lp, best) = row(pass: pass, index: start + k - 1, continuation[k])
                    total += lp
                    greedy = greedy && best
                }
            }
            return (total, greedy)
        }
    }
}
