import Foundation

/// The HTTP side of the OpenAI API and of servers that speak it (vLLM, llama.cpp, TGI), also
/// used by the JSON APIs shaped like it (Aleph Alpha, Anthropic): URLs, headers, JSON bodies,
/// and errors turned into ``ModelError``.
struct OpenAIClient: Sendable {
    enum Auth: Sendable {
        case none
        case bearer(String)
        /// The key in a header of its own: Azure OpenAI's `api-key`, Anthropic's `x-api-key`.
        case header(name: String, key: String)
    }

    let baseURL: String
    let auth: Auth
    let organization: String?
    let azure: (deployment: String, apiVersion: String)?
    let transport: any HTTPTransport
    let timeout: Duration
    /// Headers every request carries (Anthropic's `anthropic-version`).
    var fixedHeaders: [String: String] = [:]

    /// Content-Type, Accept, the key, the organization and the fixed headers.
    func headers(contentType: String?) -> [String: String] {
        var headers = fixedHeaders
        headers["Accept"] = "application/json"
        if let contentType { headers["Content-Type"] = contentType }
        switch auth {
        case .none: break
        case .bearer(let key): headers["Authorization"] = "Bearer \(key)"
        case .header(let name, let key): headers[name] = key
        }
        if let organization { headers["OpenAI-Organization"] = organization }
        return headers
    }

    /// The endpoint for `path` (`chat/completions`), without the key.
    func url(_ path: String) throws -> URL {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        let text: String
        if let azure {
            text = "\(base)/openai/deployments/\(azure.deployment)/\(path)?api-version=\(azure.apiVersion)"
        } else {
            text = "\(base)/\(path)"
        }
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
            throw ModelError(.configuration, "base_url '\(baseURL)' is not an http(s) URL", hint: "e.g. http://127.0.0.1:8000/v1")
        }
        return url
    }

    func post(_ path: String, body: JSONValue) async throws -> JSONValue {
        let url = try url(path)
        let headers = headers(contentType: "application/json")
        let endpoint = HTTPRequest.describe(url)
        let response = try await transport.send(HTTPRequest(url: url, headers: headers, body: body.canonicalData), timeout: timeout)
        guard (200..<300).contains(response.status) else {
            throw Self.error(status: response.status, body: response.body, headers: response.headers, endpoint: endpoint, path: path)
        }
        do {
            return try JSONValue.parse(response.body)
        } catch {
            throw ModelError(.malformedResponse, "\(endpoint) sent a body that is not JSON (\(response.body.count) bytes)",
                             hint: "the connection may have been cut; the request will be retried")
        }
    }

    /// Any method and path with a body of any kind (the files and batches endpoints), read as JSON.
    func request(_ method: String, _ path: String, body: Data?, contentType: String?) async throws -> JSONValue {
        let data = try await raw(method, path, body: body, contentType: contentType)
        do {
            return try JSONValue.parse(data)
        } catch {
            throw ModelError(.malformedResponse, "\(path) sent a body that is not JSON (\(data.count) bytes)")
        }
    }

    /// The response body as it came, for file contents.
    func raw(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil) async throws -> Data {
        let url = try url(path)
        let headers = headers(contentType: contentType)
        let response = try await transport.send(HTTPRequest(url: url, method: method, headers: headers, body: body), timeout: timeout)
        guard (200..<300).contains(response.status) else {
            throw Self.error(status: response.status, body: response.body, headers: response.headers, endpoint: HTTPRequest.describe(url), path: path)
        }
        return response.body
    }

    /// Maps an error status and body to a ``ModelError``, recognising context-length errors of
    /// OpenAI, vLLM and llama.cpp.
    ///
    /// - Parameters:
    ///   - endpoint: the URL asked, without query or credentials.
    ///   - path: the API path the backend appended to base_url (`chat/completions`, `complete`).
    static func error(status: Int, body: Data, headers: [String: String], endpoint: String, path: String? = nil) -> ModelError {
        let json = try? JSONValue.parse(body)
        let message = json?["error"]?["message"]?.stringValue ?? json?["message"]?.stringValue
            ?? json?["error"]?.stringValue ?? String(decoding: body.prefix(300), as: UTF8.self)
        let code = json?["error"]?["code"]?.stringValue ?? json?["code"]?.stringValue
        let lowered = message.lowercased()
        if code == "context_length_exceeded" || code == "PROMPT_TOO_LONG" || lowered.contains("maximum context length")
            || lowered.contains("context length") && (lowered.contains("exceed") || lowered.contains("longer than"))
            || lowered.contains("exceeds the available context size") || lowered.contains("prompt is too long") {
            return ModelError(.contextLengthExceeded, "\(endpoint): the prompt does not fit the context window (\(message))")
        }
        var error = ModelError(.http(status: status), "\(endpoint) answered \(status): \(message)")
        error.retryAfter = RetryAfter.seconds(from: headers)
        switch status {
        case 401: error.hint = "the API key was rejected; check the environment variable named by api_key_env"
        case 403: error.hint = "the key has no access to this model or endpoint"
        case 404: error.hint = notFoundHint(endpoint: endpoint, path: path, message: message, code: code)
        case 405, 501: error.hint = "the server does not serve this endpoint: is it OpenAI-compatible, and does model.params.base_url point at its API?"
        case 429: error.hint = "rate limited; lower response.max_concurrency or set requests_per_minute"
        default: break
        }
        return error
    }
}

extension OpenAIClient {
    /// A 404 comes from a model the server does not serve or, most often, from a base_url that
    /// does not end where the API's paths start (without `/v1`, or with `/chat/completions`).
    static func notFoundHint(endpoint: String, path: String?, message: String, code: String?) -> String {
        let lowered = message.lowercased()
        if code == "model_not_found" || lowered.contains("model") && (lowered.contains("does not exist") || lowered.contains("not found")) {
            return "the server does not serve this model: check the model name in model.params (GET base_url/models lists what it serves)"
        }
        let urlPath = URLComponents(string: endpoint)?.path ?? endpoint
        var base = urlPath
        if let path, base.hasSuffix("/" + path) { base.removeLast(path.count + 1) }
        if base.contains("/openai/deployments/") {
            return "check base_url (the resource, https://NAME.openai.azure.com), azure_deployment and api_version"
        }
        if let path, path.hasPrefix("v1/messages") {
            return base.hasSuffix("/v1")
                ? "Anthropic's base_url is the API's root, without /v1 (e.g. https://api.anthropic.com): the runner adds /v1/messages"
                : "check base_url and the model name (GET base_url/v1/models lists them)"
        }
        if path == "complete" {
            return base.isEmpty || base == "/"
                ? "check base_url and the model name"
                : "Aleph Alpha's base_url is the API's root, without a path (e.g. https://api.aleph-alpha.com)"
        }
        if let path, ["/chat/completions", "/completions", "/chat", "/moderations", "/" + path].contains(where: { base.hasSuffix($0) }) {
            return "base_url must stop before /\(path), which the runner adds (e.g. http://HOST:PORT/v1)"
        }
        if !base.hasSuffix("/v1") {
            return "does base_url end in /v1? OpenAI-compatible servers serve \(base)/v1/\(path ?? "...")"
        }
        return "check base_url and the model name"
    }
}

/// Reads a secret from the environment by the variable's name; never from config.
struct SecretLookup: Sendable {
    let environment: @Sendable (String) -> String?

    func require(_ variable: String, for backend: String) throws -> String {
        guard let value = environment(variable), !value.isEmpty else {
            throw ModelError(.configuration, "\(backend) needs an API key in the environment variable \(variable), which is not set",
                             hint: "export \(variable)=... (the key is never read from config files)")
        }
        return value
    }
}
