import Config
import Models

/// A task the registry can build: it decodes its own section of the config (`Settings`),
/// checks it before anything is written, then builds itself from data.
///
/// Add a task with a type that conforms and one line in ``TaskRegistry/default``.
public protocol RegisteredTask: EvaluationTask {
    /// The task's `task` section, decoded strictly (unknown keys are errors with a did-you-mean).
    associatedtype Settings: Decodable & Sendable

    /// Checks what needs no data and no model (values in range, names known), so that a
    /// mistake is reported before a run folder exists.
    ///
    /// - Throws: ``TaskError`` naming the key (`task.scoring.letters`).
    static func check(_ settings: Settings) throws(TaskError)

    /// Loads the data and prepares every item's requests.
    init(_ settings: Settings, context: TaskContext) throws
}

extension RegisteredTask {
    public static func check(_ settings: Settings) throws(TaskError) {}
}

/// Task name to builder: `task.name` picks the task, as `model.name` picks the backend.
///
/// ```swift
/// let registry = TaskRegistry.default.appending("my_task", MyTask.self)
/// ```
public struct TaskRegistry: Sendable {
    /// How one task is checked and built from its config section.
    public struct Entry: Sendable {
        let check: @Sendable (TaskConfig) throws(ConfigError) -> Void
        let build: @Sendable (TaskConfig, TaskContext) throws -> any EvaluationTask

        public static func task<T: RegisteredTask>(_ type: T.Type) -> Entry {
            Entry(check: { config throws(ConfigError) in
                let settings = try config.decode(T.Settings.self)
                do throws(TaskError) { try T.check(settings) } catch { throw error.configError(in: config) }
            }, build: { config, context in
                try T(try config.decode(T.Settings.self), context: context)
            })
        }
    }

    private var entries: [String: Entry]

    public init(_ entries: [String: Entry] = [:]) { self.entries = entries }

    public static let `default` = TaskRegistry([
        "mcq": .task(MultipleChoiceTask.self),
        "qa": .task(QuestionAnsweringTask.self),
        "lm_eval": .task(LMEvalSuite.self),
    ])

    public var names: [String] { entries.keys.sorted() }

    public func appending<T: RegisteredTask>(_ name: String, _ type: T.Type) -> TaskRegistry {
        var copy = self
        copy.entries[name] = .task(type)
        return copy
    }

    public func removing(_ name: String) -> TaskRegistry {
        var copy = self
        copy.entries[name] = nil
        return copy
    }

    /// Decodes and checks a task's section without loading data: what a run does before it
    /// writes anything.
    ///
    /// - Throws: ``Config/ConfigError`` naming the key and its file position.
    public func check(_ config: TaskConfig) throws(ConfigError) {
        try entry(config).check(config)
    }

    /// Builds the task a config names, loading and checking its dataset.
    ///
    /// - Throws: ``TaskError`` for a scoring mode the model cannot serve or bad data;
    ///   ``Config/ConfigError`` for an unknown name (listing the known ones) or a bad section.
    public func build(_ config: TaskConfig, context: TaskContext) throws -> any EvaluationTask {
        try entry(config).build(config, context)
    }

    private func entry(_ config: TaskConfig) throws(ConfigError) -> Entry {
        guard let entry = entries[config.name] else {
            var hint = "known tasks: \(names.joined(separator: ", "))"
            hint = DidYouMean.hint(config.name, among: names, then: hint)
            throw ConfigError(.invalidValue, "unknown task '\(config.name)'", keyPath: "task.name",
                              location: config.section.child("name")?.location ?? config.section.location, hint: hint)
        }
        return entry
    }
}

extension TaskError {
    /// The same problem as a config error, placed at its key's file position when it names a key.
    func configError(in config: TaskConfig) -> ConfigError {
        var location = config.section.location
        var keyPath: String?
        if let place, place.hasPrefix("task.") {
            keyPath = place
            let relative = KeyPath(parsing: String(place.dropFirst("task.".count)))
            location = config.section.node(at: relative)?.location ?? location
        } else if let place {
            // A place in another file (an lm-eval task file's `file:line:col (key)`): shown as it is.
            location = SourceLocation(file: place)
        }
        return ConfigError(.invalidValue, message, keyPath: keyPath, location: location, hint: hint)
    }
}
