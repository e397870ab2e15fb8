import Config
import Foundation

/// A range check of one backend parameter: a count that must be positive, a probability, a
/// URL. Each backend's params list their own (``BackendParams/rules``); they run when the model
/// is built, before a request, so `timeout=inf`, `batch_size=0` or `base_url=URL` is one config
/// error at its key and line.
public enum ParamRule: Sendable {
    /// A number above zero and finite (seconds, a scale).
    case positive
    /// A whole number of at least `minimum`.
    case count(minimum: Int)
    /// A finite number of zero or more.
    case nonNegative
    /// A finite number from `lower` to `upper`, both included (Anthropic's temperature).
    case between(Double, Double)
    /// A probability in (0, 1].
    case probability
    /// An http(s) URL with a host.
    case url

    /// Checks each of `rules` against `params`, the node at `model.params`.
    ///
    /// - Throws: ``Config/ConfigError`` `.invalidValue` at `model.params.<key>` with the value's position.
    static func check(_ rules: [String: ParamRule], _ params: ConfigNode) throws(ConfigError) {
        guard let mapping = params.mapping else { return }
        for (key, node) in mapping {
            guard let rule = rules[key], node.value != .null, !node.isMissing else { continue }
            try rule.check(node, path: "model.params.\(key)")
        }
    }

    func check(_ node: ConfigNode, path: String) throws(ConfigError) {
        func fail(_ expected: String) -> ConfigError {
            ConfigError(.invalidValue, "'\(path)' must be \(expected), not \(PythonFormat.str(node.value))", keyPath: path,
                        location: node.location, hint: "change it in the model's config or with \(path)=...")
        }
        let number: Double? = switch node.value {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
        switch self {
        case .positive:
            guard let x = number, x.isFinite, x > 0 else { throw fail("a positive, finite number") }
        case .nonNegative:
            guard let x = number, x.isFinite, x >= 0 else { throw fail("a finite number of zero or more") }
        case .between(let lower, let upper):
            guard let x = number, x >= lower, x <= upper else { throw fail("from \(PythonFormat.str(.double(lower))) to \(PythonFormat.str(.double(upper)))") }
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
