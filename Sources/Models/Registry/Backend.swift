import Config

/// One backend, registered in ``ModelMap`` by one line: its name in `model.name`, its params
/// and how to build it. lm-eval's `@register_model`, rambla's `MODEL_MAP` entry.
///
/// A backend lives in one file with its params (``BackendParams``: strict keys and range
/// rules) and its model. Adding one is that file, a line in ``ModelMap/default`` and a
/// `conf/model/NAME.yaml` (the README's "Add a backend" recipe).
public protocol Backend {
    associatedtype Params: BackendParams
    /// The name `model.name` gives (`anthropic`).
    static var name: String { get }
    /// The model for `params`, already decoded (unknown keys refused) and range-checked.
    ///
    /// - Throws: ``ModelError`` for what is wrong beyond one key's range (a missing API key,
    ///   a checkpoint that cannot be read).
    static func build(_ params: Params, environment: ModelEnvironment) throws -> any LanguageModel
}

/// A backend's `model.params`: `Decodable` with `CaseIterable` coding keys (so that a
/// misspelt key is refused with a did-you-mean hint), and the range of each number and URL.
public protocol BackendParams: Decodable, Sendable {
    /// Key (as written in YAML) to its rule; keys without a rule take any value of their type.
    static var rules: [String: ParamRule] { get }
}

extension Backend {
    /// Checks, decodes and builds: what the registry runs for `model.name == name`.
    static func make(_ node: ConfigNode, _ environment: ModelEnvironment) throws -> any LanguageModel {
        try ParamRule.check(Params.rules, node)
        let params = try ConfigDecoder().decode(Params.self, from: node, at: "model.params")
        return try build(params, environment: environment)
    }
}
