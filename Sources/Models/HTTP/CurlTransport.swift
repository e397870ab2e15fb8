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
    private let verifyCertificates: Bool
    private let maxBodyBytes: Int

    /// - Parameters:
    ///   - verifyCertificates: false accepts any server certificate (`verify_certificate: false`).
    ///   - maxBodyBytes: a larger answer is an error rather than memory without bound. Default 64 MiB.
    public init(verifyCertificates: Bool = true, maxBodyBytes: Int = 64 << 20) {
        self.verifyCertificates = verifyCertificates
        self.maxBodyBytes = maxBodyBytes
    }

    public func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        let endpoint = HTTPRequest.describe(request.url)
        let loop = try CurlLoop.shared.get()
        let milliseconds = max(1, Int64(min(timeout.seconds * 1000, 86_400_000)))
        let headers = request.headers.map { "\($0.key): \($0.value)" }
        let transfer: OpaquePointer? = withCStrings(headers) { headerPointers in
            (request.body ?? Data()).withUnsafeBytes { body in
                rc_transfer_new(request.url.absoluteString, request.method, headerPointers, Int32(headers.count),
                                request.body == nil ? nil : body.baseAddress, Int64(body.count), milliseconds,
                                verifyCertificates ? 1 : 0, Int64(maxBodyBytes))
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
        switch outcome.kind {
        case Int32(RC_OK):
            return Self.response(transfer)
        case Int32(RC_CONNECT), Int32(RC_DNS):
            throw ModelError(.unreachable, "cannot reach \(endpoint): \(outcome.message)",
                             hint: "is the server running and the URL right? check model.params.base_url (and http_proxy/no_proxy)")
        case Int32(RC_TLS):
            throw ModelError(.configuration, "TLS failed for \(endpoint): \(outcome.message)",
                             hint: "fix the server's certificate; verify_certificate: false turns the check off")
        case Int32(RC_TIMEOUT):
            throw ModelError(.timeout, "\(endpoint) did not answer within \(timeout.seconds) s", hint: "raise the model's timeout, or check the server")
        case Int32(RC_TOO_LARGE):
            throw ModelError(.malformedResponse, "\(endpoint) sent more than the \(maxBodyBytes) bytes allowed")
        case Int32(RC_BAD_URL):
            throw ModelError(.configuration, "bad URL \(endpoint): \(outcome.message)", hint: "check base_url")
        case Int32(RC_BROKEN):
            throw ModelError(.connection, "\(endpoint) closed the connection before the whole answer arrived: \(outcome.message)")
        default:
            throw ModelError(.connection, "request to \(endpoint) failed: \(outcome.message)")
        }
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
            return .failure(ModelError(.configuration, String(cString: error), hint: "the HTTP backends need libcurl (Debian: libcurl4)"))
        }
        guard let loop = rc_loop_new() else { return .failure(ModelError(.configuration, "libcurl could not start a transfer loop")) }
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
