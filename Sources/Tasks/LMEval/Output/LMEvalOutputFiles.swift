import Foundation
import Models

/// lm-eval's own output files for an lm-eval run, so that tools reading lm-eval's output read
/// ours: `<run>/lm_eval/<model_name_sanitized>/results_<date>.json` and one
/// `samples_<task>_<date>.jsonl` per leaf task. `<run>/lm_eval` plays lm-eval's
/// `--output_path` (lm-eval nests its files under the sanitized model name there too), so
/// globs written for lm-eval's folders work unchanged; each file is written atomically.
public enum LMEvalOutputFiles {
    /// Writes the files and returns the folder, or nil when `lmEval` is not lm-eval's object.
    @discardableResult
    public static func write(lmEval: OrderedJSON, directory: String, samplesPath: String, modelSource: String, modelName: String,
                             modelArgs: JSONValue, finished: Date, seconds: Double) throws(TaskError) -> String? {
        let ours = templateValue(lmEval)
        guard let results = ours.field("results")?.objectPairs, let first = results.first else { return nil }
        let defaultTask = first.0
        let date = timestamp(finished)
        let folder = directory + "/lm_eval/" + sanitizedModelName(modelName)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw TaskError.io("cannot create folder: \(error.localizedDescription)", at: folder, hint: "check that the run folder is writable")
        }
        let tasks = LMEvalSamplesFile.lines(LMEvalSamplesFile.documents(samplesPath: samplesPath, defaultTask: defaultTask))
        for (task, lines) in tasks {
            try FileWriting.writeAtomically(lines.map { $0 + "\n" }.joined(), to: folder + "/samples_\(task)_\(date).jsonl")
        }
        let run = LMEvalResultsFile.Run(modelSource: modelSource, modelName: modelName, modelArgs: templateValue(.value(modelArgs)),
                                        date: finished, seconds: seconds,
                                        taskHashes: tasks.map { ($0.task, LMEvalSamplesFile.taskHash($0.lines)) })
        try FileWriting.writeAtomically(LMEvalResultsFile.json(ours, run: run), to: folder + "/results_\(date).json")
        return folder
    }

    /// lm-eval's table(s) for our `lm_eval` object, as `lm_eval` prints them at the end of a run.
    public static func table(lmEval: OrderedJSON) -> String { LMEvalTable.printed(templateValue(lmEval)) }

    /// `datetime.now().isoformat().replace(":", "-")`, local time, microseconds unless zero.
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        let micro = Int(((seconds - Double(whole)) * 1_000_000).rounded(.down))
        var parts = tm()
        localtime_r(&whole, &parts)
        let base = String(format: "%04d-%02d-%02dT%02d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                          Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        return micro == 0 ? base : base + String(format: ".%06d", micro)
    }

    /// lm-eval's `sanitize_model_name`: runs of `"<>:/|\?*[]` become `__`.
    static func sanitizedModelName(_ name: String) -> String {
        let special: Set<Character> = ["\"", "<", ">", ":", "/", "|", "\\", "?", "*", "[", "]"]
        var out = ""
        var inRun = false
        for c in name {
            if special.contains(c) {
                if !inRun { out += "__" }
                inRun = true
            } else {
                out.append(c)
                inRun = false
            }
        }
        return out
    }

    static func templateValue(_ json: OrderedJSON) -> TemplateValue {
        switch json {
        case .object(let pairs): return .object(pairs.map { ($0.0, templateValue($0.1)) })
        case .array(let items): return .array(items.map(templateValue))
        case .value(let v): return templateValue(v)
        }
    }

    static func templateValue(_ v: JSONValue) -> TemplateValue {
        switch v {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(templateValue))
        case .object(let dict): return .object(dict.keys.sorted().map { ($0, templateValue(dict[$0]!)) })
        }
    }
}
