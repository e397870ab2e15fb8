import Models
import Response
import Synchronization

/// A ``Response/Responder`` that answers from a function, in process: no cache, no network,
/// no retries. Tests of prompts and scoring build a task, run it through `Evaluation` with
/// this, and read back exactly what was asked.
///
/// ```swift
/// let responder = InMemoryResponder(model: StubModel()) { request in .generation(Generation(text: "B")) }
/// ```
public final class InMemoryResponder: Responder {
    public let model: any LanguageModel
    private let answer: @Sendable (ModelRequest) throws -> ModelAnswer
    private let askedRequests = Mutex<[ModelRequest]>([])

    public init(model: any LanguageModel, answer: @escaping @Sendable (ModelRequest) throws -> ModelAnswer) {
        self.model = model
        self.answer = answer
    }

    /// Every request asked so far, in the order asked.
    public var asked: [ModelRequest] { askedRequests.withLock { $0 } }

    public func run<S: Sequence & Sendable>(_ items: S, onOutcome: @escaping @Sendable (ResponseOutcome) async -> Void) async throws
    where S.Element == ResponseItem {
        for item in items {
            try Task.checkCancellation()
            askedRequests.withLock { $0.append(item.request) }
            let status: ResponseOutcome.Status
            do {
                status = .answered(try answer(item.request))
            } catch let error as ModelError {
                status = .failed(error)
            }
            await onOutcome(ResponseOutcome(id: item.id, status: status))
        }
    }
}

/// A model that only names itself: for tests whose answers come from an ``InMemoryResponder``.
public struct StubModel: LanguageModel {
    public let name: String
    public let capabilities: ModelCapabilities
    public var modelDict: JSONValue { ["backend": .string(name)] }

    public init(name: String = "stub", capabilities: ModelCapabilities = ModelCapabilities(chat: false, loglikelihood: true, logprobs: true)) {
        self.name = name
        self.capabilities = capabilities
    }

    public func generate(_ request: GenerationRequest) async throws -> Generation {
        throw ModelError(.unsupported, "StubModel answers nothing itself; use an InMemoryResponder")
    }
}
