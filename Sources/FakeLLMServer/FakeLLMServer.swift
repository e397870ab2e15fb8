import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on 127.0.0.1 that speaks the OpenAI chat and completions wire format
/// (with echo logprobs and streaming; `FakeOpenAI.swift`), Aleph Alpha's `complete`
/// (`FakeAlephAlpha.swift`) and Anthropic's Messages API (`FakeAnthropic.swift`), answers
/// deterministically, counts what it receives, and injects the faults of a ``FaultPlan``
/// (`FakeFaults.swift`). This file is the sockets, HTTP and the routing.
///
/// It refuses what real servers refuse, so that tests catch the user's mistakes: only the real
/// paths are served, anything else is a 404 with an OpenAI-shaped error, and a
/// connection that does not start with an HTTP request line (a TLS handshake: `https://` to
/// this plain-HTTP server) gets a 400 and is closed at once.
///
/// It binds a free port, serves each connection on its own thread with keep-alive, and stops
/// by itself after `idleTimeout` seconds without a request (or when ``stop()`` is called).
///
/// ```swift
/// let server = try FakeLLMServer()
/// defer { server.stop() }
/// // base_url: "http://127.0.0.1:\(server.port)/v1"
/// ```
public final class FakeLLMServer: @unchecked Sendable {
    public let port: Int
    public let plan: FaultPlan
    private let listener: Int32
    let lock = NSLock()
    /// The files and batches endpoints (OpenAI's Batch API).
    let batchStore = FakeBatchStore()
    /// Anthropic's Message Batches.
    let messageBatches = FakeMessageBatches()
    private var stopped = false
    private var lastActivity = Date()
    var counts: [String: Int] = [:]
    var markerCounts: [String: Int] = [:]
    var randomState: UInt64 = 0x9E3779B97F4A7C15
    private let idleTimeout: Double

    public init(port: Int = 0, plan: FaultPlan = FaultPlan(), idleTimeout: Double = 120) throws {
        self.plan = plan
        self.idleTimeout = idleTimeout
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError.socket("socket() failed") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        // Models' LoopbackPort.address spells the same; this module depends on no other.
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1024) == 0 else {
            close(fd)
            throw ServerError.socket("cannot listen on 127.0.0.1:\(port)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        self.listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    enum ServerError: Error { case socket(String) }

    /// Batches created so far (OpenAI's and Anthropic's).
    public var batchesCreated: Int { batchStore.lockedCounts.created + messageBatches.created }
    /// Keeps every batch in progress while true, whoever's API it is (see `FakeBatchStore.hold`).
    public var holdBatches: Bool {
        get { batchStore.hold }
        set { batchStore.hold = newValue; messageBatches.hold = newValue }
    }
    /// Files uploaded for OpenAI's Batch API.
    public var filesUploaded: Int { batchStore.lockedCounts.uploads }

    /// Stops accepting and closes the listening socket.
    public func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        if !wasStopped { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }
    }

    public var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    /// Requests received for a path suffix (`chat/completions`, `completions`, `complete`), or all.
    public func requestCount(_ endpoint: String? = nil) -> Int {
        lock.lock(); defer { lock.unlock() }
        if let endpoint { return counts[endpoint] ?? 0 }
        return counts.values.reduce(0, +)
    }

    public func resetCounts() {
        lock.lock(); counts = [:]; markerCounts = [:]; lock.unlock()
    }

    private func acceptLoop() {
        while true {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 200)
            lock.lock()
            let done = stopped || Date().timeIntervalSince(lastActivity) > idleTimeout
            lock.unlock()
            if done { stop(); return }
            guard ready > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(client) }
            thread.stackSize = 512 << 10
            thread.start()
        }
    }

    // MARK: HTTP

    struct Request {
        var method: String
        var path: String
        var headers: [String: String]
        var body: Data
    }

    private enum Read {
        case request(Request)
        /// Not HTTP: what a real server answers with 400 Bad Request before closing.
        case notHTTP
        case closed
    }

    /// Whether the bytes received so far can still start an HTTP/1.x request line
    /// (`METHOD SP target SP HTTP/1.x CRLF`); a TLS ClientHello (0x16 0x03 ...) cannot.
    static func mayStartRequest(_ buffer: Data) -> Bool {
        let bytes = Array(buffer.prefix(8192))
        let methodEnd = bytes.firstIndex(of: UInt8(ascii: " ")) ?? bytes.count
        guard methodEnd <= 16, bytes[..<methodEnd].allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else { return false }
        guard let lineEnd = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return bytes.count < 8192 }
        let line = String(decoding: bytes[..<lineEnd], as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        return parts.count == 3 && !parts[0].isEmpty && !parts[1].isEmpty && parts[2].hasPrefix("HTTP/1.")
    }

    private func readRequest(_ fd: Int32, buffer: inout Data) -> Read {
        let separator = Data("\r\n\r\n".utf8)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while buffer.range(of: separator) == nil {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return .closed }
            buffer.append(contentsOf: chunk[0..<n])
            if !Self.mayStartRequest(buffer) { return .notHTTP }
            if buffer.count > 16 << 20 { return .closed }
        }
        let headerEnd = buffer.range(of: separator)!
        let head = String(decoding: buffer[buffer.startIndex..<headerEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return .notHTTP }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Data(buffer[headerEnd.upperBound...])
        while body.count < length {
            let n = recv(fd, &chunk, min(chunk.count, length - body.count), 0)
            if n <= 0 { return .closed }
            body.append(contentsOf: chunk[0..<n])
        }
        buffer = Data(body.dropFirst(length))
        body = body.prefix(length)
        return .request(Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body))
    }

    /// 400 and close, as uvicorn or nginx do on a first line that is not HTTP. The client's
    /// unread bytes are drained first: closing with them unread would reset the connection
    /// before the client reads the answer.
    private func refuseNonHTTP(_ fd: Int32) {
        let body = Data("{\"error\":{\"message\":\"Invalid HTTP request received.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}".utf8)
        send(fd, Data("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body)
        shutdown(fd, Int32(SHUT_WR))
        var chunk = [UInt8](repeating: 0, count: 4096)
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        for _ in 0..<50 {
            guard poll(&poller, 1, 20) > 0 else { continue }
            if recv(fd, &chunk, chunk.count, Int32(MSG_DONTWAIT)) <= 0 { return }
        }
    }

    func send(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// A batch store's reply: file contents as they are, anything else as JSON.
    func respond(_ fd: Int32, status: Int, reply: Any) {
        if let data = reply as? Data { respond(fd, status: status, body: data) } else { respond(fd, status: status, json: reply) }
    }

    func respond(_ fd: Int32, status: Int, json: Any, headers: [String: String] = [:]) {
        let body = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data("{}".utf8)
        respond(fd, status: status, body: body, headers: headers)
    }

    func respond(_ fd: Int32, status: Int, body: Data, headers: [String: String] = [:], declaredLength: Int? = nil) {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Type: application/json\r\nContent-Length: \(declaredLength ?? body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        send(fd, Data(head.utf8) + body)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer = Data()
        while !isStopped {
            switch readRequest(fd, buffer: &buffer) {
            case .closed: return
            case .notHTTP: refuseNonHTTP(fd); return
            case .request(let request):
                lock.lock(); lastActivity = Date(); lock.unlock()
                let keepGoing = handle(request, fd: fd)
                if !keepGoing || request.headers["connection"]?.lowercased() == "close" { return }
            }
        }
    }

    // MARK: Endpoints

    /// 404 with OpenAI's body for a path it does not serve.
    func notFound(_ request: Request, path: String, fd: Int32) -> Bool {
        respond(fd, status: 404, json: ["error": ["message": "Invalid URL (\(request.method) \(path))", "type": "invalid_request_error",
                                                  "param": NSNull(), "code": NSNull()]])
        return true
    }

    /// Answers one request; false when the connection must close (a fault broke it).
    ///
    /// The paths are a real server's: OpenAI's under `/v1` (where `base_url` ends), Aleph
    /// Alpha's `complete` at the root (its base_url has no `/v1`), vLLM's `/health`, and this
    /// server's own `/v1/stats`; anything else is a 404, as a user's wrong base_url gets.
    private func handle(_ request: Request, fd: Int32) -> Bool {
        let path = request.path.split(separator: "?").first.map(String.init) ?? request.path
        if path == "/v1/messages" || path.hasPrefix("/v1/messages/") {
            return anthropic(request, path: path, fd: fd)
        }
        if path.hasPrefix("/v1/files") || path.hasPrefix("/v1/batches") {
            let headers = Dictionary(request.headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
            if let (status, reply) = batchStore.handle(method: request.method, path: path, headers: headers, body: request.body,
                                                       answer: { [self] body, prompt in chatBody(body, prompt: prompt) }) {
                lock.withLock { counts["batches", default: 0] += 1 }
                respond(fd, status: status, reply: reply)
                return true
            }
            return notFound(request, path: path, fd: fd)
        }
        switch (request.method, path) {
        case ("GET", "/v1/stats"):
            respond(fd, status: 200, json: ["requests": requestCount(), "by_endpoint": lock.withLock { counts }])
            return true
        case ("GET", "/v1/models"):
            respond(fd, status: 200, json: ["object": "list", "data": [["id": "fake-model", "object": "model"]]])
            return true
        case ("GET", "/health"):
            respond(fd, status: 200, body: Data())
            return true
        case ("POST", "/v1/moderations"):
            lock.withLock { counts["moderations", default: 0] += 1 }
            return moderation(request.body, fd: fd)
        default:
            break
        }
        let endpoint: String
        switch (request.method, path) {
        case ("POST", "/v1/chat/completions"): endpoint = "chat/completions"
        case ("POST", "/v1/completions"): endpoint = "completions"
        case ("POST", "/complete"): endpoint = "complete"
        default: return notFound(request, path: path, fd: fd)
        }
        lock.withLock { counts[endpoint, default: 0] += 1 }
        guard let json = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] else {
            respond(fd, status: 400, json: ["error": ["message": "body is not a JSON object", "type": "invalid_request_error"]])
            return true
        }
        let prompt = Self.promptText(json, endpoint: endpoint)
        if plan.latencyMilliseconds > 0 { usleep(UInt32(plan.latencyMilliseconds * 1000)) }
        if let fault = chooseFault(prompt) {
            return inject(fault, fd: fd, dialect: endpoint == "complete" ? .alephAlpha : .openAI)
        }
        switch endpoint {
        case "chat/completions": return chat(json, prompt: prompt, fd: fd)
        case "completions": return completions(json, prompt: prompt, fd: fd)
        default: return alephAlpha(json, prompt: prompt, fd: fd)
        }
    }

    static func promptText(_ json: [String: Any], endpoint: String) -> String {
        if let messages = json["messages"] as? [[String: Any]] {
            return messages.map { message in
                if let text = message["content"] as? String { return text }
                let parts = message["content"] as? [[String: Any]] ?? []
                return parts.compactMap { $0["text"] as? String }.joined()
            }.joined(separator: "\n")
        }
        return json["prompt"] as? String ?? ""
    }
}
