import Foundation

/// OpenAI's files and batches endpoints: upload a JSONL file (`purpose=batch`), create a batch,
/// follow it, read its output and error files, cancel it.
public struct OpenAIBatchAPI: BatchService {
    let client: OpenAIClient

    /// A batch as `GET /v1/batches/{id}` describes it.
    static func status(_ json: JSONValue) throws -> BatchStatus {
        guard let id = json["id"]?.stringValue, let status = json["status"]?.stringValue else {
            throw ModelError(.malformedResponse, "a batch object without id or status")
        }
        let counts = json["request_counts"]
        return BatchStatus(id: id, status: status, total: counts?["total"]?.intValue ?? 0, completed: counts?["completed"]?.intValue ?? 0,
                           failed: counts?["failed"]?.intValue ?? 0,
                           isFinished: ["completed", "failed", "expired", "cancelled"].contains(status),
                           outputFileID: json["output_file_id"]?.stringValue)
    }

    /// Uploads the entries as a JSONL file (`custom_id`, `method`, `url`, `body` a line) and creates a batch of it.
    public func submit(_ entries: [BatchEntry], endpoint: String, completionWindow: String, name: String) async throws -> (batch: BatchStatus, note: String) {
        let lines = entries.map { entry -> String in
            let line: JSONValue = ["custom_id": .string(entry.key), "method": "POST", "url": .string(entry.url), "body": entry.body]
            return line.canonicalString
        }
        let file = try await upload(lines, name: name)
        return (try await create(inputFileID: file, endpoint: endpoint, completionWindow: completionWindow), "file \(file)")
    }

    /// The output file's lines that answered 200, by `custom_id`.
    public func results(of batch: BatchStatus) async throws -> [(key: String, body: JSONValue)] {
        guard let output = batch.outputFileID else { return [] }
        return jsonLines(try await client.raw("GET", "files/\(output)/content")).compactMap { json in
            guard let key = json["custom_id"]?.stringValue, let response = json["response"], response["status_code"]?.intValue == 200,
                  let body = response["body"] else { return nil }
            return (key, body)
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

    public func create(inputFileID: String, endpoint: String, completionWindow: String) async throws -> BatchStatus {
        let body: JSONValue = ["input_file_id": .string(inputFileID), "endpoint": .string(endpoint), "completion_window": .string(completionWindow)]
        return try Self.status(try await client.request("POST", "batches", body: body.canonicalData, contentType: "application/json"))
    }

    public func retrieve(_ id: String) async throws -> BatchStatus {
        try Self.status(try await client.request("GET", "batches/\(id)", body: nil, contentType: nil))
    }

    public func cancel(_ id: String) async throws -> BatchStatus {
        try Self.status(try await client.request("POST", "batches/\(id)/cancel", body: Data(), contentType: "application/json"))
    }

}

extension OpenAIChatModel: BatchCapableModel {
    public var batchAPI: any BatchService { OpenAIBatchAPI(client: client) }

    public func batchEntry(for request: ModelRequest) -> (url: String, body: JSONValue)? {
        guard case .generate(let generation) = request else { return nil }
        return ("/v1/chat/completions", payload(for: generation))
    }

    public func batchAnswer(_ body: JSONValue, for request: ModelRequest) throws -> ModelAnswer {
        .generation(try Self.parse(body))
    }
}
