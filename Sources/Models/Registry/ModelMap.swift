import Config

/// The registry from a backend's name (`LLMConfig.name`) to its builder, rambla's `MODEL_MAP`.
///
/// A registry is a value: ``default`` holds the built-in backends (each a ``Backend`` type),
/// ``appending(_:_:)`` adds one, so that tests and plug-ins never mutate shared state.
///
/// ```swift
/// let model = try ModelMap.default.build(LLMConfig(name: "local_chat", params: params))
/// ```
public struct ModelMap: Sendable {
    public typealias Builder = @Sendable (_ params: ConfigNode, _ environment: ModelEnvironment) throws -> any LanguageModel

    private var builders: [String: Builder]

    public init(_ builders: [String: Builder] = [:]) { self.builders = builders }

    /// The built-in backends: one line each.
    static let builtIn: [any Backend.Type] = [
        OpenAIChatBackend.self,
        LocalChatBackend.self,
        OpenAICompletionBackend.self,
        LocalCompletionsBackend.self,
        AlephAlphaBackend.self,
        AnthropicBackend.self,
        HFLocalBackend.self,
        VLLMBackend.self,
    ]

    public static let `default` = ModelMap(backends: builtIn)

    public init(backends: [any Backend.Type]) {
        self.builders = Dictionary(uniqueKeysWithValues: backends.map { backend in
            (backend.name, { @Sendable params, environment in try backend.make(params, environment) })
        })
    }

    /// Sorted backend names.
    public var names: [String] { builders.keys.sorted() }

    /// Adds a backend built by a closure (tests, plug-ins); built-in ones are ``Backend`` types.
    public func appending(_ name: String, _ builder: @escaping Builder) -> ModelMap {
        var copy = self
        copy.builders[name] = builder
        return copy
    }

    public func removing(_ name: String) -> ModelMap {
        var copy = self
        copy.builders[name] = nil
        return copy
    }

    /// Builds the model a config names.
    ///
    /// - Throws: ``ConfigError`` for an unknown name (listing the known ones) or bad params
    ///   (naming the key path); ``ModelError`` `.configuration` for a missing API key.
    public func build(_ config: LLMConfig, environment: ModelEnvironment = ModelEnvironment()) throws -> any LanguageModel {
        guard let builder = builders[config.name] else {
            var hint = "known models: \(names.joined(separator: ", "))"
            hint = DidYouMean.hint(config.name, among: names, then: hint)
            throw ConfigError(.invalidValue, "unknown model '\(config.name)' in 'model.name'", keyPath: "model.name", hint: hint)
        }
        return try builder(config.params, environment)
    }
}
