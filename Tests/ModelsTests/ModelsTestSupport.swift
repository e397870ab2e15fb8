import Config
import FakeLLMServer
import Foundation
import Models
import Testing

/// Builds a model from YAML params, as the runner would from `conf/model/*.yaml`.
func makeModel(_ name: String, _ paramsYAML: String, env: [String: String] = [:],
               transport: (any HTTPTransport)? = nil) throws -> any LanguageModel {
    let params = try YAMLLoader.load(paramsYAML, file: "params.yaml")
    let environment = ModelEnvironment(environment: { env[$0] }, transport: transport ?? CurlTransport())
    return try ModelMap.default.build(LLMConfig(name: name, params: params), environment: environment)
}

/// A transport that records requests and answers with a canned response.
final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var requests: [HTTPRequest] = []
    let response: HTTPResponse

    init(status: Int = 200, json: String) {
        response = HTTPResponse(status: status, headers: [:], body: Data(json.utf8))
    }

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        lock.withLock { requests.append(request) }
        return response
    }

    var lastBody: JSONValue? {
        lock.withLock { requests.last?.body.flatMap { try? JSONValue.parse($0) } }
    }
}
