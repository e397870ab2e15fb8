import Foundation
import Models

/// lm-eval's `results_<date>.json`, in its key order (`evaluator.simple_evaluate` then
/// `EvaluationTracker.save_results_aggregated`), from our `lm_eval` results object.
///
/// What we know is filled in (results, groups, configs, versions, n-shot, higher_is_better,
/// n-samples, the seeds and limits we used, the date, the task hashes, the model's name, the
/// time); what only lm-eval's Python side knows (git hashes, `pretty_env_info`, the
/// transformers and lm-eval versions, the tokenizer's special tokens, the parameter count)
/// is `null`, so that no reader mistakes our run for one of lm-eval's.
enum LMEvalResultsFile {
    struct Run {
        var modelSource: String
        var modelName: String
        var modelArgs: TemplateValue
        var date: Date
        var seconds: Double
        var taskHashes: [(String, String)]
    }

    static func json(_ ours: TemplateValue, run: Run) -> String {
        func take(_ key: String, _ fallback: TemplateValue = .object([])) -> TemplateValue { ours.field(key) ?? fallback }
        let config = ours.field("config")
        func setting(_ key: String) -> TemplateValue { config?.field(key) ?? .none }
        var pairs: [(String, TemplateValue)] = [("results", take("results"))]
        if let groups = ours.field("groups"), groups.objectPairs?.isEmpty == false { pairs.append(("groups", groups)) }
        pairs += [
            ("group_subtasks", take("group_subtasks")), ("configs", take("configs")), ("versions", take("versions")),
            ("n-shot", take("n-shot")), ("higher_is_better", take("higher_is_better")), ("n-samples", take("n-samples")),
            ("config", .object([
                ("model", .string(run.modelSource)), ("model_args", run.modelArgs), ("model_num_parameters", .none),
                ("model_dtype", .none), ("model_revision", .none), ("model_sha", .none), ("batch_size", .none),
                ("batch_sizes", .array([])), ("device", .none), ("use_cache", .none), ("limit", setting("limit")),
                ("bootstrap_iters", setting("bootstrap_iters")), ("gen_kwargs", setting("gen_kwargs").isNone ? .object([]) : setting("gen_kwargs")),
                ("random_seed", .none), ("numpy_seed", .none), ("torch_seed", .none), ("fewshot_seed", setting("fewshot_seed")),
            ])),
            ("git_hash", .none), ("date", .double(run.date.timeIntervalSince1970)), ("pretty_env_info", .none),
            ("transformers_version", .none), ("lm_eval_version", .none), ("upper_git_hash", .none),
            ("tokenizer_pad_token", .none), ("tokenizer_eos_token", .none), ("tokenizer_bos_token", .none),
            ("eot_token_id", .none), ("max_length", .none),
            ("task_hashes", .object(run.taskHashes.map { ($0.0, .string($0.1)) })),
            ("model_source", .string(run.modelSource)), ("model_name", .string(run.modelName)),
            ("model_name_sanitized", .string(LMEvalOutputFiles.sanitizedModelName(run.modelName))),
        ]
        let instruction = setting("system_instruction")
        pairs += [
            ("system_instruction", instruction),
            ("system_instruction_sha", instruction.stringValue.map { .string(PythonText.sha256($0)) } ?? .none),
            // lm-eval writes null here unless a chat template was applied.
            ("fewshot_as_multiturn", setting("apply_chat_template") == .bool(true) ? setting("fewshot_as_multiturn") : .none),
            ("chat_template", .none), ("chat_template_sha", .none),
            ("total_evaluation_time_seconds", .string(PythonText.float(run.seconds))),
        ]
        return PythonText.jsonDumps(.object(pairs), indent: 2)
    }
}

extension TemplateValue {
    var isNone: Bool { if case .none = self { return true } else { return false } }
}
