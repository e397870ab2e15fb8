import Foundation

/// A provider's batch API (OpenAI's Batch API, Anthropic's Message Batches): send many
/// requests at once, follow the batch, read back its answers, cancel it. The ResponseComponent's
/// `response.batch` runs through this, whichever provider is behind it.
public protocol BatchService: Sendable {
    /// Sends `entries` (all for one endpoint) as one batch.
    ///
    /// - Returns: the batch, and what to say of it in the log (the uploaded file, for OpenAI).
    func submit(_ entries: [BatchEntry], endpoint: String, completionWindow: String, name: String) async throws -> (batch: BatchStatus, note: String)
    func retrieve(_ id: String) async throws -> BatchStatus
    func cancel(_ id: String) async throws -> BatchStatus
    /// The bodies of a finished batch's successful answers, each with its entry's key; failed,
    /// expired and cancelled entries are left out (the run asks for them directly).
    func results(of batch: BatchStatus) async throws -> [(key: String, body: JSONValue)]
}

/// One request in a batch: the cache key it is filed under (the provider's `custom_id`), the
/// endpoint, and the same body the request would POST.
public struct BatchEntry: Sendable {
    public var key: String
    public var url: String
    public var body: JSONValue

    public init(key: String, url: String, body: JSONValue) {
        self.key = key
        self.url = url
        self.body = body
    }
}

/// A batch as the provider describes it, in one shape for every provider.
public struct BatchStatus: Sendable, Equatable {
    public var id: String
    /// The provider's word (`in_progress`, `completed`, `ended`, ...).
    public var status: String
    public var total: Int
    public var completed: Int
    public var failed: Int
    /// No more changes will come: read its answers now.
    public var isFinished: Bool
    /// Where the answers are (OpenAI's output file id; Anthropic's are found by the batch id).
    public var outputFileID: String?

    public init(id: String, status: String, total: Int, completed: Int, failed: Int, isFinished: Bool, outputFileID: String? = nil) {
        self.id = id
        self.status = status
        self.total = total
        self.completed = completed
        self.failed = failed
        self.isFinished = isFinished
        self.outputFileID = outputFileID
    }
}

/// A model whose requests can go through its provider's batch API: one entry per request, the
/// same body it would POST, and the answer read back from the entry's result.
public protocol BatchCapableModel: LanguageModel {
    var batchAPI: any BatchService { get }
    /// The endpoint (`/v1/chat/completions`) and body for `request`; nil for requests that
    /// cannot go in a batch (they are asked directly).
    func batchEntry(for request: ModelRequest) -> (url: String, body: JSONValue)?
    /// The answer in a result's body.
    func batchAnswer(_ body: JSONValue, for request: ModelRequest) throws -> ModelAnswer
}

/// The lines of a JSON Lines body that parse (a batch's output or results file); a line that
/// does not is left out, and its request is asked directly.
func jsonLines(_ data: Data) -> [JSONValue] {
    String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { try? JSONValue.parse(Data($0.utf8)) }
}
