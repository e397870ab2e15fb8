import Models

/// What answers a task's requests: the ResponseComponent in a run, an in-memory responder in
/// tests (`TestSupport.InMemoryResponder`), so prompts and scoring are tested in process.
public protocol Responder: Sendable {
    /// The model the answers come from (its `modelDict` is recorded with the results).
    var model: any LanguageModel { get }

    /// Answers every item, handing each outcome to `onOutcome` as soon as it is known, in any order.
    ///
    /// - Throws: ``RunStopped`` when the run cannot go on (a rejected key); cancellation ends it early.
    func run<S: Sequence & Sendable>(_ items: S, onOutcome: @escaping @Sendable (ResponseOutcome) async -> Void) async throws
    where S.Element == ResponseItem
}

extension ResponseComponent: Responder {}

/// Items their caller can close while they are being answered: once closed, a responder sends
/// nothing more and waits for the answers already in flight, which are paid for, so the run that
/// stops on too many errors keeps and records them instead of cancelling them half-way.
public protocol ClosableItems: Sendable {
    var isClosed: Bool { get }
}
