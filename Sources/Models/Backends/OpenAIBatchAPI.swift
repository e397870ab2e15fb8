import Foundation

/// A model whose requests can go through OpenAI's Batch API: one JSONL line per request, the
/// same body it would POST, and the answer read back from the line's response body.
public protocol BatchCapableModel: LanguageModel {
    var batchAPI: OpenAIBatchAPI { get }
    /// The endpoint (`/v1/chat/completions`) and body for `request`; nil for requests that
    /// cannot go in a batch (they are asked directly).
    func batchEntry(for request: ModelRequest) -> (url: String, body: JSONValue)?
    /// The answer in a batch output line's `response.body`.
    func batchAnswer(_ body: JSONValue, for request: ModelRequest) throws -> ModelAnswer
}

/// OpenAI's files and batches endpoints: upload a JSONL file (`purpose=batch`), create a batch,
/// follow it, read its output and error files, cancel it.
public struct OpenAIBatchAPI: Sendable {
    let client: OpenAIClient

    /// A batch as `GET /v1/batches/{id}` describes it.
    public struct Batch: Sendable, Equatable {
        public var id: String
        public var status: String
        public var total: Int
        public var completed: Int
        public var failed: Int
        public var outputFileID: String?
        public var errorFileID: String?

        /// No more changes will come: read its files now.
        public var isFinished: Bool { ["completed", "failed", "expired", "cancelled"].contains(status) }

        init(_ json: JSONValue) throws {
            guard let id = json["id"]?.stringValue, let status = json["status"]?.stringValue else {
                throw ModelError(.malformedResponse, "a batch object without id or status")
            }
            self.id = id
            self.status = status
            let counts = json["request_counts"]
            total = counts?["total"]?.intValue ?? 0
            completed = counts?["completed"]?.intValue ?? 0
            failed = counts?["failed"]?.intValue ?? 0
            outputFileID = json["output_file_id"]?.stringValue
            errorFileID = json["error_file_id"]?.stringValue
        }
    }

    /// Uploads `lines` as a JSONL file for a batch; the file's id.
    public func upload(_ lines: [String], name: String) async throws -> String {
        let boundary = "runner-\(UUID().uuidString)"
        var body = Data()
        func part(_ text: String) { body.append(Data(text.utf8)) }
        part("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n")
        part("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/jsonl\r\n\r\n")
        part(lines.joined(separator: "\n") + "\n")
        part("\r\n--\(boundary)--\r\n")
        let json = try await client.request("POST", "files", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        guard let id = json["id"]?.stringValue else { throw ModelError(.malformedResponse, "the file upload answered without an id") }
        return id
    }

    public func create(inputFileID: String, endpoint: String, completionWindow: String) async throws -> Batch {
        let body: JSONValue = ["input_file_id": .string(inputFileID), "endpoint": .string(endpoint), "completion_window": .string(completionWindow)]
        return try Batch(try await client.request("POST", "batches", body: body.canonicalData, contentType: "application/json"))
    }

    public func retrieve(_ id: String) async throws -> Batch {
        try Batch(try await client.request("GET", "batches/\(id)", body: nil, contentType: nil))
    }

    public func cancel(_ id: String) async throws -> Batch {
        try Batch(try await client.request("POST", "batches/\(id)/cancel", body: Data(), contentType: "application/json"))
    }

    /// A file's lines (the output or error file of a batch).
    public func content(_ fileID: String) async throws -> [String] {
        let data = try await client.raw("GET", "files/\(fileID)/content")
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

extension OpenAIChatModel: BatchCapableModel {
    public var batchAPI: OpenAIBatchAPI { OpenAIBatchAPI(client: client) }

    public func batchEntry(for request: ModelRequest) -> (url: String, body: JSONValue)? {
        guard case .generate(let generation) = request else { return nil }
        return ("/v1/chat/completions", payload(for: generation))
    }

    public func batchAnswer(_ body: JSONValue, for request: ModelRequest) throws -> ModelAnswer {
        .generation(try Self.parse(body))
    }
}
