import Models

/// One line the Python worker writes: `{"id": n, "ok": value}` or `{"id": n, "error": {...}}`.
///
/// The line is untrusted input (the user's Python runs in that process): anything that is not
/// one of the two shapes is a ``Failure``, never a trap (fuzzed as `worker_reply`).
enum LMEvalWorkerReply: Equatable {
    case ok(TemplateValue)
    case error(HookFailure)

    /// A hook that raised, or a function that cannot be found or whose result cannot cross.
    struct HookFailure: Equatable {
        enum Kind: String { case raised, missing, unconvertible }
        var kind: Kind
        /// The exception's class (`ValueError`).
        var type: String
        /// `ValueError: bad document`: the traceback's last line.
        var exception: String
        /// The exception's text alone.
        var message: String
        /// `utils.py:12`: the last frame of the traceback in the user's code.
        var frame: String?
        /// Which item of a batch raised.
        var index: Int?
    }

    struct Failure: Error, Equatable { var message: String }

    /// Parses one reply line; `id` is the request's, which the reply must repeat.
    static func parse(_ line: Substring, id: Int) throws(Failure) -> LMEvalWorkerReply {
        let value: TemplateValue
        do { value = try PythonJSON.parse(line) } catch {
            throw Failure(message: "not JSON (\(error.message) at byte \(error.offset))")
        }
        guard case .object(let pairs) = value else { throw Failure(message: "not a JSON object") }
        func field(_ key: String) -> TemplateValue? { pairs.first { $0.0 == key }?.1 }
        guard case .int(let replyID)? = field("id"), replyID == id else {
            throw Failure(message: "the reply is not to request \(id)")
        }
        if let ok = field("ok") { return .ok(ok) }
        guard case .object(let error)? = field("error") else { throw Failure(message: "neither 'ok' nor 'error'") }
        func text(_ key: String) -> String? {
            if case .string(let s)? = error.first(where: { $0.0 == key })?.1 { return s }
            return nil
        }
        guard let kindText = text("kind"), let kind = HookFailure.Kind(rawValue: kindText) else {
            throw Failure(message: "an error without a known 'kind'")
        }
        var index: Int?
        if case .int(let i)? = error.first(where: { $0.0 == "index" })?.1 {
            guard i >= 0 else { throw Failure(message: "a negative item index") }
            index = i
        }
        let type = text("type") ?? "Exception"
        return .error(HookFailure(kind: kind, type: type, exception: text("exception") ?? type, message: text("message") ?? "", frame: text("frame"), index: index))
    }
}
