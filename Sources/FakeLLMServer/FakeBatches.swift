import Foundation

/// OpenAI's files and batches endpoints, in memory: `POST /v1/files` (multipart, purpose
/// batch), `POST /v1/batches`, `GET /v1/batches/{id}`, `POST /v1/batches/{id}/cancel`,
/// `GET /v1/files/{id}/content`.
///
/// A batch moves one step each time it is looked at (`validating`, `in_progress`, `finalizing`,
/// then `completed`), so tests see it in progress. Markers in a line's prompt choose faults:
/// `[batch:fail]` fails that line (it goes to the error file), `[batch:expire]` makes the whole
/// batch expire with only the lines before it answered.
final class FakeBatchStore: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: [String]] = [:]
    private var batches: [String: [String: Any]] = [:]
    private var polls: [String: Int] = [:]
    private var created = 0
    private var uploads = 0
    private var held = false

    /// While held, a batch that is looked at stays `in_progress`: a test that kills a run
    /// mid-batch needs the batches still in flight however slowly the machine runs.
    var hold: Bool {
        get { lock.lock(); defer { lock.unlock() }; return held }
        set { lock.lock(); held = newValue; lock.unlock() }
    }

    var lockedCounts: (created: Int, uploads: Int) {
        lock.lock(); defer { lock.unlock() }
        return (created, uploads)
    }

    /// `answer(body)` is the server's own chat or completions answer for a request body.
    func handle(method: String, path: String, headers: [String: String], body: Data,
                answer: ([String: Any], String) -> [String: Any]) -> (Int, Any)? {
        let parts = path.split(separator: "/").map(String.init)  // ["v1", "files", ...]
        guard let v1 = parts.firstIndex(of: "v1") ?? parts.firstIndex(where: { $0 == "files" || $0 == "batches" }).map({ $0 - 1 }) else { return nil }
        let rest = Array(parts[(v1 + 1)...])
        lock.lock(); defer { lock.unlock() }
        switch (method, rest.first, rest.count) {
        case ("POST", "files", 1):
            guard let lines = Self.multipartFile(body, contentType: headers["content-type"] ?? "") else {
                return (400, ["error": ["message": "expected multipart/form-data with a file part", "type": "invalid_request_error"]])
            }
            uploads += 1
            let id = "file-\(files.count + 1)"
            files[id] = lines
            return (200, ["id": id, "object": "file", "purpose": "batch", "bytes": body.count])
        case ("GET", "files", 3) where rest[2] == "content":
            guard let lines = files[rest[1]] else { return (404, ["error": ["message": "no file \(rest[1])", "type": "invalid_request_error"]]) }
            return (200, Data((lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).utf8))
        case ("POST", "batches", 1):
            guard let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let input = json["input_file_id"] as? String,
                  let lines = files[input] else {
                return (400, ["error": ["message": "unknown input_file_id", "type": "invalid_request_error"]])
            }
            created += 1
            let id = "batch_\(created)"
            batches[id] = ["id": id, "object": "batch", "endpoint": json["endpoint"] ?? "", "input_file_id": input,
                           "completion_window": json["completion_window"] ?? "24h", "status": "validating",
                           "request_counts": ["total": lines.count, "completed": 0, "failed": 0]]
            return (200, batches[id]!)
        case ("GET", "batches", 2):
            guard var batch = batches[rest[1]] else { return (404, ["error": ["message": "no batch \(rest[1])", "type": "invalid_request_error"]]) }
            let status = batch["status"] as? String ?? ""
            if held, !["completed", "failed", "expired", "cancelled"].contains(status) {
                batch["status"] = "in_progress"
                batches[rest[1]] = batch
            } else if !["completed", "failed", "expired", "cancelled"].contains(status) {
                let step = (polls[rest[1]] ?? 0) + 1
                polls[rest[1]] = step
                if step == 1 { batch["status"] = "in_progress" }
                else if step == 2 { batch["status"] = "finalizing" }
                else { finish(&batch, answer: answer) }
                batches[rest[1]] = batch
            }
            return (200, batch)
        case ("POST", "batches", 3) where rest[2] == "cancel":
            guard var batch = batches[rest[1]] else { return (404, ["error": ["message": "no batch \(rest[1])", "type": "invalid_request_error"]]) }
            batch["status"] = "cancelled"
            batches[rest[1]] = batch
            return (200, batch)
        default:
            return nil
        }
    }

    private func finish(_ batch: inout [String: Any], answer: ([String: Any], String) -> [String: Any]) {
        let lines = files[batch["input_file_id"] as? String ?? ""] ?? []
        var output: [String] = [], errors: [String] = []
        var expired = false
        for line in lines {
            guard let entry = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let customID = entry["custom_id"] as? String, let body = entry["body"] as? [String: Any] else { continue }
            let prompt = FakeLLMServer.promptText(body, endpoint: "chat/completions")
            if prompt.contains("[batch:expire]") { expired = true }
            if expired {
                errors.append(Self.line(["custom_id": customID, "response": NSNull(), "error": ["code": "batch_expired", "message": "the batch expired"]]))
            } else if prompt.contains("[batch:fail]") {
                errors.append(Self.line(["custom_id": customID, "response": ["status_code": 500, "body": ["error": ["message": "injected batch failure"]]],
                                         "error": NSNull()]))
            } else {
                output.append(Self.line(["id": "req_\(customID.prefix(8))", "custom_id": customID,
                                         "response": ["status_code": 200, "request_id": "r", "body": answer(body, prompt)], "error": NSNull()]))
            }
        }
        let outputID = "file-\(files.count + 1)"
        files[outputID] = output
        batch["output_file_id"] = outputID
        if !errors.isEmpty {
            let errorID = "file-\(files.count + 1)"
            files[errorID] = errors
            batch["error_file_id"] = errorID
        }
        batch["status"] = expired ? "expired" : "completed"
        batch["request_counts"] = ["total": lines.count, "completed": output.count, "failed": errors.count]
    }

    static func line(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    /// The lines of the `file` part of a multipart/form-data body.
    static func multipartFile(_ body: Data, contentType: String) -> [String]? {
        guard let range = contentType.range(of: "boundary=") else { return nil }
        let boundary = "--" + contentType[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        let text = String(decoding: body, as: UTF8.self)
        for part in text.components(separatedBy: boundary) where part.contains("name=\"file\"") {
            guard let start = part.range(of: "\r\n\r\n") else { return nil }
            var content = String(part[start.upperBound...])
            // "\r\n" is one Character in Swift.
            if content.hasSuffix("\r\n") { content.removeLast() }
            return content.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        }
        return nil
    }
}
