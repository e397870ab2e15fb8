/// An evaluation task: where its items come from, how they become prompts, how answers are
/// scored (`conf/task/<name>.yaml` under `task`).
public struct TaskConfig: Decodable, Sendable, Equatable {
    public var name: String
    public var dataset: DatasetConfig
    public var prompt: PromptConfig
    public var scoring: ScoringConfig

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, dataset, prompt, scoring
    }
}

/// A local JSONL or CSV file and how its fields map to the task's fields.
public struct DatasetConfig: Decodable, Sendable, Equatable {
    public enum Format: String, ConfigEnum { case jsonl, csv }

    public var path: String
    public var format: Format
    /// Task field name to column/key name in the file (`question: q`), or to several columns
    /// gathered into a list (`choices: [opa, opb, opc, opd]`, for CSV files).
    public var fields: [String: FieldSource]?
    /// Use at most this many items (after shuffling).
    public var limit: Int?
    public var shuffle: Bool?
    public var seed: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, format, fields, limit, shuffle, seed
    }

    public init(path: String, format: Format = .jsonl, fields: [String: FieldSource]? = nil, limit: Int? = nil,
                shuffle: Bool? = nil, seed: Int? = nil) {
        self.path = path
        self.format = format
        self.fields = fields
        self.limit = limit
        self.shuffle = shuffle
        self.seed = seed
    }
}

/// How an item becomes a prompt: a template with `{field}` placeholders, an optional system
/// prompt and few-shot examples.
public struct PromptConfig: Decodable, Sendable, Equatable {
    public var template: String
    public var system: String?
    /// Number of few-shot examples to prepend.
    public var fewShot: Int?
    /// Where few-shot examples come from (defaults to the dataset itself).
    public var fewShotPath: String?
    /// Use chat messages (system, few-shot turns, user) when the model is a chat model; `false`
    /// sends one text prompt to every model. Default `true`.
    public var chat: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case template, system, chat
        case fewShot = "few_shot"
        case fewShotPath = "few_shot_path"
    }
}

/// How answers are scored.
public struct ScoringConfig: Decodable, Sendable, Equatable {
    public enum Mode: String, ConfigEnum {
        case generate, loglikelihood
        case chatLogprobs = "chat_logprobs"
        case exactMatch = "exact_match"
    }

    /// What a choice is scored as in `loglikelihood` mode: its letter (" B", as MMLU) or its text.
    public enum Continuation: String, ConfigEnum { case letter, text }

    public var mode: Mode
    /// Option letters for multiple choice.
    public var letters: [String]?
    /// Fixed answer labels instead of per-item choices (`[yes, no, maybe]`, PubMedQA style).
    public var labels: [String]?
    /// Metric names to report; the first is the main metric.
    public var metrics: [String]?
    /// Normalise case, punctuation, articles and whitespace before comparing (qa).
    public var normalize: Bool?
    /// Tokens to generate per answer; default: the model's own setting (1 for `chat_logprobs`).
    public var maxTokens: Int?
    /// Text after the prompt that the scored continuation follows (`loglikelihood`). Default `"Answer:"`.
    public var answerPrefix: String?
    public var continuation: Continuation?
    /// Bootstrap resamples for confidence intervals. Default 1000.
    public var bootstrapIters: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mode, letters, labels, metrics, normalize, continuation
        case maxTokens = "max_tokens"
        case answerPrefix = "answer_prefix"
        case bootstrapIters = "bootstrap_iters"
    }
}

/// Where a task field comes from: one column or key, or several columns read as a list.
public enum FieldSource: Decodable, Sendable, Equatable {
    case column(String)
    case columns([String])

    public init(from decoder: any Decoder) throws {
        if let node = (decoder as? NodeDecoder)?.node, case .sequence = node.value {
            self = .columns(try decoder.singleValueContainer().decode([String].self))
        } else {
            self = .column(try decoder.singleValueContainer().decode(String.self))
        }
    }
}
