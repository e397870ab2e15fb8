import Config
import Foundation

/// Range checks of backend parameters, by name, shared by every backend: a count that must
/// be positive, a probability, a URL. They run when the model is built, before a request, so
/// `timeout=inf`, `batch_size=0` or `base_url=URL` is one config error at its key and line.
enum ParamRules {
    enum Rule {
        /// A number above zero and finite (seconds, a scale).
        case positive
        /// A whole number of at least `minimum`.
        case count(minimum: Int)
        /// A finite number of zero or more.
        case nonNegative
        /// A probability in (0, 1].
        case probability
        /// An http(s) URL with a host.
        case url
    }

    static let rules: [String: Rule] = [
        "timeout": .positive, "request_timeout_seconds": .positive, "queue_full_timeout_seconds": .positive,
        "bytes_per_token": .positive, "repetition_penalty": .positive,
        "temperature": .nonNegative,
        "top_p": .probability,
        "max_tokens": .count(minimum: 1), "max_gen_toks": .count(minimum: 1), "max_new_tokens": .count(minimum: 1),
        "maximum_tokens": .count(minimum: 1), "max_length": .count(minimum: 1), "context_window": .count(minimum: 1),
        "batch_size": .count(minimum: 1), "threads": .count(minimum: 1), "max_concurrency": .count(minimum: 1),
        "num_concurrent": .count(minimum: 1), "max_async_concurrent_requests": .count(minimum: 1), "n": .count(minimum: 1),
        "max_retries": .count(minimum: 0), "top_k": .count(minimum: 0), "top_logprobs": .count(minimum: 0),
        "base_url": .url,
    ]

    /// - Throws: ``Config/ConfigError`` `.invalidValue` at `model.params.<key>` with the value's position.
    static func check(_ params: ConfigNode) throws(ConfigError) {
        guard let mapping = params.mapping else { return }
        for (key, node) in mapping {
            guard let rule = rules[key], node.value != .null, !node.isMissing else { continue }
            let path = "model.params.\(key)"
            func fail(_ expected: String) -> ConfigError {
                ConfigError(.invalidValue, "'\(path)' must be \(expected), not \(PythonFormat.str(node.value))", keyPath: path,
                            location: node.location, hint: "change it in the model's config or with \(path)=...")
            }
            let number: Double? = switch node.value {
            case .int(let i): Double(i)
            case .double(let d): d
            default: nil
            }
            switch rule {
            case .positive:
                guard let x = number, x.isFinite, x > 0 else { throw fail("a positive, finite number") }
            case .nonNegative:
                guard let x = number, x.isFinite, x >= 0 else { throw fail("a finite number of zero or more") }
            case .probability:
                guard let x = number, x > 0, x <= 1 else { throw fail("above 0 and at most 1") }
            case .count(let minimum):
                guard case .int(let i) = node.value, i >= minimum else { throw fail(minimum == 0 ? "a whole number of zero or more" : "a whole number of at least \(minimum)") }
            case .url:
                guard case .string(let text) = node.value, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                      scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
                    throw fail("an http:// or https:// URL with a host, such as http://127.0.0.1:8000/v1")
                }
            }
        }
    }
}
