import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// HTTP over Foundation's URLSession (libcurl on Linux): pooled connections, proxies from the
/// environment (`https_proxy`, `no_proxy`), TLS verification on.
///
/// Each request gets its own deadline: the whole exchange must finish within `timeout`, which
/// is enforced here by racing the request against a timer rather than by a session-wide
/// setting, so one slow request never shortens another's budget.
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    private let session: URLSession
    /// Responses larger than this are refused (a runaway body must not exhaust memory).
    public let maxBodyBytes: Int

    public init(maxConnectionsPerHost: Int = 256, maxBodyBytes: Int = 64 << 20) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = maxConnectionsPerHost
        configuration.timeoutIntervalForRequest = 7 * 24 * 3600   // our own deadline governs
        configuration.timeoutIntervalForResource = 7 * 24 * 3600
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        self.session = URLSession(configuration: configuration)
        self.maxBodyBytes = maxBodyBytes
    }

    deinit { session.invalidateAndCancel() }

    public func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.body
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        // Our race below enforces the deadline; URLSession's own timer (which on Linux truncates
        // sub-second values) is kept out of the way.
        urlRequest.timeoutInterval = seconds + 5
        let session = self.session
        let prepared = urlRequest
        let endpoint = Self.describe(request.url)
        return try await withThrowingTaskGroup(of: HTTPResponse?.self) { group in
            group.addTask {
                do {
                    let (data, response) = try await session.data(for: prepared)
                    guard let http = response as? HTTPURLResponse else {
                        throw ModelError(.malformedResponse, "\(endpoint) answered without HTTP headers")
                    }
                    var headers: [String: String] = [:]
                    for (key, value) in http.allHeaderFields {
                        if let k = key as? String, let v = value as? String { headers[k.lowercased()] = v }
                    }
                    return HTTPResponse(status: http.statusCode, headers: headers, body: data)
                } catch let error as ModelError {
                    throw error
                } catch let error as URLError {
                    throw Self.classify(error, endpoint: endpoint)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                throw ModelError(.timeout, "\(endpoint) did not answer within \(seconds) s",
                                 hint: "raise the model's timeout, or check the server")
            }
            if response.body.count > maxBodyBytes {
                throw ModelError(.malformedResponse, "\(endpoint) sent \(response.body.count) bytes, more than the \(maxBodyBytes) allowed")
            }
            return response
        }
    }

    static func describe(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        components?.user = nil
        components?.password = nil
        return components?.string ?? url.absoluteString
    }

    static func classify(_ error: URLError, endpoint: String) -> ModelError {
        switch error.code {
        case .timedOut:
            return ModelError(.timeout, "\(endpoint) timed out")
        case .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateHasUnknownRoot,
             .serverCertificateNotYetValid, .secureConnectionFailed:
            return ModelError(.configuration, "TLS verification failed for \(endpoint)",
                              hint: "fix the server's certificate; verify_certificate: false turns the check off")
        case .unsupportedURL, .badURL:
            return ModelError(.configuration, "bad URL \(endpoint)", hint: "check base_url")
        case .cancelled:
            return ModelError(.timeout, "request to \(endpoint) was cancelled")
        default:
            return ModelError(.connection, "cannot reach \(endpoint): \(error.localizedDescription)",
                              hint: "is the server running? check base_url")
        }
    }
}
