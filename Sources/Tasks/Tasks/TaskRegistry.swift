import Config
import Models

/// Task name to builder: `task.name` picks the task, as `model.name` picks the backend.
///
/// ```swift
/// let registry = TaskRegistry.default.appending("my_task") { config, context in try MyTask(config, context) }
/// ```
public struct TaskRegistry: Sendable {
    public typealias Builder = @Sendable (TaskConfig, TaskContext) throws(TaskError) -> any EvaluationTask

    private var builders: [String: Builder]

    public init(_ builders: [String: Builder] = [:]) { self.builders = builders }

    public static let `default` = TaskRegistry([
        "mcq": { config, context throws(TaskError) in try MultipleChoiceTask(config, context: context) },
        "qa": { config, context throws(TaskError) in try QuestionAnsweringTask(config, context: context) },
    ])

    public var names: [String] { builders.keys.sorted() }

    public func appending(_ name: String, _ builder: @escaping Builder) -> TaskRegistry {
        var copy = self
        copy.builders[name] = builder
        return copy
    }

    public func removing(_ name: String) -> TaskRegistry {
        var copy = self
        copy.builders[name] = nil
        return copy
    }

    /// Builds the task a config names, loading and checking its dataset.
    ///
    /// - Throws: ``TaskError`` for an unknown name (listing the known ones), a scoring mode
    ///   the model cannot serve, or bad data.
    public func build(_ config: TaskConfig, context: TaskContext) throws(TaskError) -> any EvaluationTask {
        guard let builder = builders[config.name] else {
            var hint = "known tasks: \(names.joined(separator: ", "))"
            if let guess = DidYouMean.closest(to: config.name, in: names) { hint = "did you mean '\(guess)'? " + hint }
            throw TaskError("unknown task '\(config.name)'", at: "task.name", hint: hint)
        }
        return try builder(config, context)
    }
}
