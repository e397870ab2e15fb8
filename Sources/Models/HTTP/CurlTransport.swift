internal import CCurl
import Foundation
import Synchronization

/// HTTP over libcurl's multi interface, the default transport, with libcurl opened by
/// `dlopen` when the first request is sent: the runner links no network stack, so start-up
/// and every path that sends nothing pay nothing for it.
///
/// One loop thread drives every transfer of the process (connections are pooled and kept
/// alive by libcurl); each request has its own deadline. Proxies come from the environment as
/// libcurl reads them (`http_proxy`, `https_proxy`, `no_proxy`); TLS is verified unless the
/// backend turns it off.
public final class CurlTransport: HTTPTransport, Sendable {
    let verifyCertificates: Bool
    private let maxBodyBytes: Int
    private let connectTimeout: Duration

    /// - Parameters:
    ///   - verifyCertificates: false accepts any server certificate (`verify_certificate: false`).
    ///   - maxBodyBytes: a larger answer is an error rather than memory without bound. Default 64 MiB.
    ///   - connectTimeout: the longest wait for the connection and the TLS handshake (the
    ///     request's own timeout when shorter). Default 10 s.
    public init(verifyCertificates: Bool = true, maxBodyBytes: Int = 64 << 20, connectTimeout: Duration = .seconds(10)) {
        self.verifyCertificates = verifyCertificates
        self.maxBodyBytes = maxBodyBytes
        self.connectTimeout = connectTimeout
    }

    public func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        let endpoint = HTTPRequest.describe(request.url)
        let loop = try CurlLoop.shared.get()
        let milliseconds = max(1, Int64(min(timeout.seconds * 1000, 86_400_000)))
        let connectMilliseconds = min(milliseconds, max(1, Int64(connectTimeout.seconds * 1000)))
        let headers = request.headers.map { "\($0.key): \($0.value)" }
        let transfer: OpaquePointer? = withCStrings(headers) { headerPointers in
            (request.body ?? Data()).withUnsafeBytes { body in
                rc_transfer_new(request.url.absoluteString, request.method, headerPointers, Int32(headers.count),
                                request.body == nil ? nil : body.baseAddress, Int64(body.count), milliseconds,
                                connectMilliseconds, verifyCertificates ? 1 : 0, Int64(maxBodyBytes))
            }
        }
        guard let transfer else { throw ModelError(.connection, "cannot start a request to \(endpoint)", hint: "libcurl refused the request") }
        let id = CurlLoop.ID(transfer)
        let outcome: CurlLoop.Outcome = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                loop.submit(transfer, continuation)
            }
        } onCancel: {
            loop.cancel(id)
        }
        defer { rc_transfer_free(transfer) }
        if outcome.kind == Int32(RC_OK) { return Self.response(transfer) }
        throw failure(outcome, url: request.url, timeout: timeout, connectTimeout: .milliseconds(connectMilliseconds))
    }

    /// A failed transfer as a ``ModelError`` that names the URL and the cause, with a hint at
    /// the likely mistake. Only a broken or slow connection is worth another try; a TLS
    /// mismatch or a refused certificate fails the same way every time.
    private func failure(_ outcome: CurlLoop.Outcome, url: URL, timeout: Duration, connectTimeout: Duration) -> ModelError {
        let endpoint = HTTPRequest.describe(url)
        let server = (url.host ?? "the server") + (url.port.map { ":\($0)" } ?? "")
        let detail = outcome.message
        switch outcome.kind {
        case Int32(RC_CONNECT):
            let lowered = detail.lowercased()
            let hint = lowered.hasPrefix("connection refused")
                ? "nothing listens on \(server): start the server, or fix the host and port in model.params.base_url"
                : lowered.contains("no route") || lowered.contains("unreachable")
                ? "the network has no route to \(server): check the address in model.params.base_url (and http_proxy/no_proxy)"
                : "is the server running and the URL right? check model.params.base_url (and http_proxy/no_proxy)"
            return ModelError(.unreachable, "cannot reach \(endpoint): \(detail)", hint: hint)
        case Int32(RC_DNS):
            return ModelError(.unreachable, "cannot reach \(endpoint): \(detail)",
                              hint: "the host name \(url.host.map { "'\($0)' " } ?? "")does not resolve: check it in model.params.base_url (and http_proxy/no_proxy)")
        case Int32(RC_CONNECT_TIMEOUT):
            return ModelError(.unreachable, "cannot reach \(endpoint): no connection within the \(Self.seconds(connectTimeout)) connect timeout",
                              hint: "\(server) does not answer: check the host and port in model.params.base_url, or a firewall between them")
        case Int32(RC_HANDSHAKE_TIMEOUT):
            return ModelError(.unreachable, "cannot reach \(endpoint): connected, but the TLS handshake did not finish within the \(Self.seconds(connectTimeout)) connect timeout",
                              hint: "a server that speaks plain HTTP waits for a request instead: if so, use http:// in model.params.base_url")
        case Int32(RC_TLS) where Self.isPlainHTTP(detail):
            return ModelError(.configuration, "TLS failed for \(endpoint): the server at \(server) speaks plain HTTP, not HTTPS (\(detail))",
                              hint: "use http:// instead of https:// in model.params.base_url")
        case Int32(RC_TLS):
            return ModelError(.configuration, "TLS handshake with \(server) failed for \(endpoint): \(detail)",
                              hint: "does the server speak HTTPS on this port? if it speaks plain HTTP, use http:// in model.params.base_url")
        case Int32(RC_CERT):
            return ModelError(.configuration, "the certificate of \(server) was not accepted for \(endpoint): \(detail)",
                              hint: "fix the server's certificate (or its CA in CURL_CA_BUNDLE); verify_certificate: false turns the check off")
        case Int32(RC_TIMEOUT):
            return ModelError(.timeout, "\(endpoint) did not answer within the \(Self.seconds(timeout)) timeout",
                              hint: "raise the model's timeout, or check the server")
        case Int32(RC_TOO_LARGE):
            return ModelError(.malformedResponse, "\(endpoint) sent more than the \(maxBodyBytes) bytes allowed")
        case Int32(RC_BAD_URL):
            return ModelError(.configuration, "bad URL \(endpoint): \(detail)", hint: "check base_url")
        case Int32(RC_BROKEN):
            return ModelError(.connection, "\(endpoint) closed the connection before the whole answer arrived: \(detail)")
        default:
            return ModelError(.connection, "request to \(endpoint) failed: \(detail)")
        }
    }

    /// The handshake failed because the server answered in plain text: OpenSSL reads the start
    /// of an HTTP answer as a record of an unknown version; GnuTLS as an unexpected packet.
    static func isPlainHTTP(_ message: String) -> Bool {
        let lowered = message.lowercased()
        return ["wrong version number", "unknown protocol", "unexpected tls packet", "packet length too long"].contains { lowered.contains($0) }
    }

    /// `10 s`, `0.5 s`, `300 s`.
    static func seconds(_ duration: Duration) -> String {
        let value = duration.seconds
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    private static func response(_ transfer: OpaquePointer) -> HTTPResponse {
        var length: Int64 = 0
        let bodyPointer = rc_transfer_body(transfer, &length)
        let body = bodyPointer.map { Data(bytes: $0, count: Int(length)) } ?? Data()
        var headerLength: Int64 = 0
        var headers: [String: String] = [:]
        if let block = rc_transfer_headers(transfer, &headerLength) {
            let text = String(decoding: UnsafeRawBufferPointer(start: block, count: Int(headerLength)), as: UTF8.self)
            for line in text.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return HTTPResponse(status: Int(rc_transfer_status(transfer)), headers: headers, body: body)
    }
}

extension HTTPRequest {
    /// The URL without query, user or password: what messages name (never a key).
    public static func describe(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        components?.user = nil
        components?.password = nil
        return components?.string ?? url.absoluteString
    }
}

/// C strings for the duration of `body`.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(1, buffer.count)) { body($0) }
    }
}

/// The one thread that runs libcurl's multi loop for the process.
final class CurlLoop: @unchecked Sendable {
    // `loop` is touched only by the loop thread; the queues are behind `state`.
    struct ID: Hashable, Sendable {
        let raw: UInt
        init(_ pointer: OpaquePointer) { raw = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(pointer))) }
    }

    /// A transfer handle, handed between threads: the loop thread owns it while it runs.
    struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    struct Outcome: Sendable {
        var kind: Int32
        var message: String
    }

    typealias Continuation = CheckedContinuation<Outcome, any Error>

    private struct State {
        var incoming: [(Handle, Continuation)] = []
        var cancelled: Set<ID> = []
    }

    private let loop: OpaquePointer
    private let state = Mutex(State())
    private var active: [ID: (Handle, Continuation)] = [:]

    /// The loop, started on first use, or why libcurl could not be opened.
    static let shared: Result<CurlLoop, ModelError> = {
        var error = [CChar](repeating: 0, count: 512)
        guard rc_load(&error, Int32(error.count)) == 0 else {
            return .failure(ModelError(.environment, String(cString: error), hint: "the HTTP backends need libcurl (Debian: libcurl4)"))
        }
        guard let loop = rc_loop_new() else { return .failure(ModelError(.environment, "libcurl could not start a transfer loop")) }
        let instance = CurlLoop(loop: loop)
        let thread = Thread { instance.run() }
        thread.name = "runner.http"
        thread.start()
        return .success(instance)
    }()

    private init(loop: OpaquePointer) { self.loop = loop }

    func submit(_ transfer: OpaquePointer, _ continuation: Continuation) {
        let handle = Handle(pointer: transfer)
        state.withLock { $0.incoming.append((handle, continuation)) }
        rc_loop_wakeup(loop)
    }

    func cancel(_ id: ID) {
        state.withLock { _ = $0.cancelled.insert(id) }
        rc_loop_wakeup(loop)
    }

    private func run() {
        while true {
            let (incoming, cancelled) = state.withLock { state in
                defer { state.incoming = []; state.cancelled = [] }
                return (state.incoming, state.cancelled)
            }
            for (handle, continuation) in incoming {
                let id = ID(handle.pointer)
                if cancelled.contains(id) { continuation.resume(throwing: CancellationError()); continue }
                if rc_loop_add(loop, handle.pointer) == 0 {
                    active[id] = (handle, continuation)
                } else {
                    continuation.resume(returning: Outcome(kind: Int32(RC_OTHER), message: "libcurl refused the transfer"))
                }
            }
            for id in cancelled {
                guard let (handle, continuation) = active.removeValue(forKey: id) else { continue }
                rc_loop_remove(loop, handle.pointer)
                continuation.resume(throwing: CancellationError())
            }
            // Idle waits are long; a submission or a cancellation wakes the loop at once.
            rc_loop_run(loop, active.isEmpty ? 10_000 : 1_000)
            var transfer: OpaquePointer?
            var kind: Int32 = 0
            var message: UnsafePointer<CChar>?
            while rc_loop_next_done(loop, &transfer, &kind, &message) == 1, let done = transfer {
                guard let (_, continuation) = active.removeValue(forKey: ID(done)) else { continue }
                continuation.resume(returning: Outcome(kind: kind, message: message.map { String(cString: $0) } ?? ""))
            }
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
