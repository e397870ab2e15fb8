import Foundation

/// One HTTP request as a backend builds it.
public struct HTTPRequest: Sendable {
    public var url: URL
    public var method: String
    public var headers: [String: String]
    public var body: Data?

    public init(url: URL, method: String = "POST", headers: [String: String] = [:], body: Data? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response, headers keyed in lower case.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends requests; backends get one injected so that tests and benchmarks can swap it.
public protocol HTTPTransport: Sendable {
    /// Sends `request`, failing with ``ModelError`` `.timeout` when no complete response
    /// arrives within `timeout` (a deadline for this request alone, never for a session).
    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse
}
