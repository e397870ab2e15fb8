import Config
import Foundation
import Models

/// The `task` section of `+task=lm_eval`: where the lm-eval task file is, lm-eval's command-line
/// settings (`num_fewshot`, `limit`, `apply_chat_template`, ...), and any key of the task file
/// itself, which then overrides the file's value (`+task.description="..."`). Without `path`,
/// the section is the task definition, written in lm-eval's vocabulary.
///
/// ```yaml
/// name: lm_eval
/// path: tasks/arc_easy_local.yaml
/// num_fewshot: 5
/// apply_chat_template: null     # null: on for chat-only models, as lm-eval requires for them
/// ```
public struct LMEvalSettings: Decodable, Sendable {
    /// The task file (relative to the folder runner starts in, else beside the config folder).
    public var path: String?
    /// lm-eval's `--tasks`: task, group and tag names, found in ``includePath`` and ``library``.
    public var tasks: [String]?
    /// lm-eval's `--include_path`: folders of task files searched before the library.
    public var includePath: [String]
    /// lm-eval's own `lm_eval/tasks` folder; `nil`: the one of the `lm_eval` package that
    /// ``python`` imports.
    public var library: String?
    /// The Python that runs the task files' `!function` hooks; `nil`: `$VIRTUAL_ENV/bin/python`,
    /// then `python3` on the PATH.
    public var python: String?
    /// Seconds one message to the Python worker (a batch of hook calls) may take. Default 600.
    public var hookTimeout: Double
    /// lm-eval's `--num_fewshot`: replaces the file's `num_fewshot`, except a file's explicit 0.
    public var numFewshot: Int?
    /// lm-eval's `--limit`: the first N documents, or a fraction below 1.0.
    public var limit: Double?
    public var applyChatTemplate: Bool?
    /// Default: on when a chat template is applied (lm-eval's command line does the same).
    public var fewshotAsMultiturn: Bool?
    public var systemInstruction: String?
    /// The few-shot sampler's seed (lm-eval's `--seed`, fourth value). Default 1234.
    public var fewshotRandomSeed: Int
    /// lm-eval's bootstrap resamples for standard errors. Default 100,000, as lm-eval.
    public var bootstrapIters: Int
    /// Resamples for this runner's own confidence intervals. Default 1,000.
    public var confidenceIters: Int
    /// lm-eval's `--gen_kwargs`: merged into the file's `generation_kwargs`.
    public var genKwargs: [(String, TemplateValue)]?
    /// Keys of the task definition given in the section, with their places.
    public var taskKeys: ConfigMapping
    /// Where the section is, for errors without a better place.
    public var sectionLocation: SourceLocation?

    /// The section's own keys; every other key belongs to the lm-eval task definition.
    static let ownKeys: Set<String> = ["name", "path", "tasks", "include_path", "library", "python", "hook_timeout", "limit", "apply_chat_template", "fewshot_as_multiturn", "system_instruction",
                                       "fewshot_random_seed", "bootstrap_iters", "confidence_iters", "gen_kwargs"]

    public init(from decoder: any Decoder) throws {
        let section = try ConfigNode(from: decoder)
        guard let mapping = section.mapping else {
            throw ConfigError(.typeMismatch, "'task' must be a mapping", keyPath: "task", location: section.location)
        }
        sectionLocation = section.location
        func node(_ key: String) -> ConfigNode? {
            guard let n = mapping[key], n.value != .null else { return nil }
            return n
        }
        func fail(_ key: String, _ expected: String) -> ConfigError {
            ConfigError(.typeMismatch, "'task.\(key)' must be \(expected), not \(mapping[key]!.kindDescription)", keyPath: "task.\(key)",
                        location: mapping[key]?.location, hint: "change it in the config or with task.\(key)=...")
        }
        func int(_ key: String) throws(ConfigError) -> Int? {
            guard let n = node(key) else { return nil }
            guard case .int(let i) = n.value else { throw fail(key, "an integer") }
            return i
        }
        func bool(_ key: String) throws(ConfigError) -> Bool? {
            guard let n = node(key) else { return nil }
            guard case .bool(let b) = n.value else { throw fail(key, "true or false") }
            return b
        }
        func string(_ key: String) throws(ConfigError) -> String? {
            guard let n = node(key) else { return nil }
            guard case .string(let s) = n.value else { throw fail(key, "a string") }
            return s
        }
        path = try string("path")
        // A list, or a comma string as lm-eval's --tasks takes (`tasks=mmlu,gsm8k` is a sweep, so quote it).
        tasks = try node("tasks").map { n throws(ConfigError) in try Self.names(n, key: "tasks") }
        includePath = try node("include_path").map { n throws(ConfigError) in try Self.names(n, key: "include_path") } ?? []
        library = try string("library")
        python = try string("python")
        hookTimeout = try node("hook_timeout").map { n throws(ConfigError) in
            switch n.value {
            case .int(let i) where i > 0: return Double(i)
            case .double(let d) where d > 0 && d.isFinite: return d
            default: throw fail("hook_timeout", "a positive number of seconds")
            }
        } ?? 600
        limit = try node("limit").map { n throws(ConfigError) in
            switch n.value {
            case .int(let i): return Double(i)
            case .double(let d): return d
            default: throw fail("limit", "a number")
            }
        }
        applyChatTemplate = try bool("apply_chat_template")
        fewshotAsMultiturn = try bool("fewshot_as_multiturn")
        systemInstruction = try string("system_instruction")
        fewshotRandomSeed = try int("fewshot_random_seed") ?? 1234
        bootstrapIters = try int("bootstrap_iters") ?? 100_000
        confidenceIters = try int("confidence_iters") ?? 1000
        if let n = node("gen_kwargs") {
            guard let m = n.mapping else { throw fail("gen_kwargs", "a mapping") }
            genKwargs = m.map { ($0.key, $0.value.templateValue) }
        }
        var taskKeys = ConfigMapping()
        for (key, value) in mapping where !Self.ownKeys.contains(key) {
            // `num_fewshot: null` (the lm_eval.yaml default) leaves the file's own value.
            if key == "num_fewshot" { continue }
            taskKeys[key] = value
        }
        numFewshot = try int("num_fewshot")
        self.taskKeys = taskKeys
    }

    /// A list of names, or one string of comma-separated names.
    static func names(_ node: ConfigNode, key: String) throws(ConfigError) -> [String] {
        var out: [String] = []
        switch node.value {
        case .string(let s): out = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        case .sequence(let items):
            for item in items {
                guard case .string(let s) = item.value else {
                    throw ConfigError(.typeMismatch, "'task.\(key)' must hold names, not \(item.kindDescription)", keyPath: "task.\(key)",
                                      location: item.location, hint: "task.\(key)=[a,b] or task.\(key)='a,b'")
                }
                out.append(s)
            }
        default:
            throw ConfigError(.typeMismatch, "'task.\(key)' must be a list of names or one comma-separated string, not \(node.kindDescription)",
                              keyPath: "task.\(key)", location: node.location, hint: "task.\(key)=[a,b] or task.\(key)='a,b'")
        }
        return out.filter { !$0.isEmpty }
    }

    /// Checks that need no files.
    func check() throws(TaskError) {
        if let limit, limit <= 0 || !limit.isFinite {
            throw TaskError("'task.limit' must be a positive count, or a fraction of the documents below 1.0", at: "task.limit")
        }
        if let limit, limit >= 1, limit != limit.rounded() {
            throw TaskError("'task.limit' above 1 must be a whole number of documents, not \(limit)", at: "task.limit")
        }
        if let n = numFewshot, n < 0 { throw TaskError("'task.num_fewshot' must be zero or more, not \(n)", at: "task.num_fewshot") }
        if fewshotAsMultiturn == true, applyChatTemplate == false {
            throw TaskError("fewshot_as_multiturn needs a chat template", at: "task.fewshot_as_multiturn",
                            hint: "set task.apply_chat_template=true as well, as lm-eval requires")
        }
        if bootstrapIters < 0 { throw TaskError("'task.bootstrap_iters' must be zero or more", at: "task.bootstrap_iters") }
        if confidenceIters < 1 { throw TaskError("'task.confidence_iters' must be at least 1", at: "task.confidence_iters") }
        if let tasks {
            if path != nil {
                throw TaskError("give task.tasks (names) or task.path (one file), not both", at: "task.tasks",
                                hint: "a file's folder can be searched with task.include_path=[FOLDER]")
            }
            if tasks.isEmpty { throw TaskError("task.tasks names no task", at: "task.tasks", hint: "task.tasks=[arc_easy,mmlu]") }
        } else if path == nil, taskKeys["dataset_path"] == nil {
            throw TaskError("lm_eval needs task names, a task file, or a task definition in the section", at: "task.tasks",
                            hint: "task.tasks=[arc_easy,mmlu] (lm-eval's --tasks), or task.path=path/to/task.yaml")
        }
    }

    /// The number of documents `limit` keeps of `count`.
    func documentCount(of count: Int) -> Int {
        guard let limit else { return count }
        if limit < 1 { return Int((Double(count) * limit).rounded(.up)) }
        return min(count, Int(limit))
    }
}
