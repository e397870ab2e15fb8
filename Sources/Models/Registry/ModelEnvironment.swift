import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What builders may use besides the config: the environment (for keys) and the HTTP transport.
public struct ModelEnvironment: Sendable {
    public var environment: @Sendable (String) -> String?
    /// The transport every backend uses; nil builds a ``CurlTransport`` per model
    /// (one without certificate checks when a backend sets `verify_certificate: false`).
    public var transport: (any HTTPTransport)?
    /// Where a backend's own messages go (a managed server's output): the run's log.
    public var log: (@Sendable (String) -> Void)?
    /// Where a relative path in the config (a checkpoint) is: the runner looks beside the config
    /// folders too, so a run started from another folder finds the project's files.
    public var resolvePath: @Sendable (String) -> String

    public init(environment: @escaping @Sendable (String) -> String? = { getenv($0).map { String(cString: $0) } },
                transport: (any HTTPTransport)? = nil, log: (@Sendable (String) -> Void)? = nil,
                resolvePath: @escaping @Sendable (String) -> String = { $0 }) {
        self.environment = environment
        self.transport = transport
        self.log = log
        self.resolvePath = resolvePath
    }

    func transport(verifyCertificates: Bool) -> any HTTPTransport {
        transport ?? CurlTransport(verifyCertificates: verifyCertificates)
    }
}
