import Config
import Foundation
import Models
import Testing
@testable import Tasks

/// How much of lm-eval's own task library reads here at the definition level (keys, templates;
/// no data): every leaf file lm-eval's TaskManager lists, loaded through `LMEvalTaskFile` and
/// `LMEvalTaskDefinition`, with the failures counted by reason and the Jinja constructs our
/// engine lacks. A survey, not a check: it needs the library and a listing made by
/// `Fixtures/lm_eval/features/list_leaf_tasks.py`, so it runs only when asked:
///
///     LMEVAL_SURVEY=/tmp/leaf_tasks.tsv LMEVAL_LIBRARY=.../site-packages/lm_eval/tasks \
///       swift test --filter LMEvalLibrarySurvey
@Suite("lm-eval library survey (opt-in)")
struct LMEvalLibrarySurveyTests {
    static let listing = ProcessInfo.processInfo.environment["LMEVAL_SURVEY"]
    static let library = ProcessInfo.processInfo.environment["LMEVAL_LIBRARY"]

    @Test("every leaf task file, counted by reason", .enabled(if: listing != nil && library != nil))
    func survey() throws {
        let text = try String(contentsOfFile: Self.listing!, encoding: .utf8)
        var total = 0, loaded = 0, hooks = 0, pyTasks = 0
        var reasons: [String: (Int, String)] = [:]
        var templates = 0
        var unsupported: [String: (Int, String)] = [:]
        for line in text.split(separator: "\n") {
            let cols = line.split(separator: "\t").map(String.init)
            guard cols.count == 3 else { continue }
            total += 1
            if cols[1] == "PY_TASK" { pyTasks += 1; continue }
            let path = Self.library! + "/" + cols[2]
            do {
                var keys = try LMEvalTaskFile.load(path)
                // The index entry names the task; a file shared by several tasks is read once per name.
                keys["task"] = ConfigNode(.string(cols[0]))
                let definition = try LMEvalTaskDefinition(keys, source: path)
                loaded += 1
                for (key, field) in Self.templates(definition) {
                    guard case .string(_, let template)? = field else { continue }
                    templates += 1
                    for construct in template.constructs.unsupported() {
                        unsupported[construct, default: (0, "")].0 += 1
                        unsupported[construct]!.1 = "\(cols[0]) \(key)"
                    }
                }
            } catch {
                if error.message.contains("!function") || error.message.contains("needs Python code") {
                    hooks += 1
                    continue
                }
                let reason = Self.reason(error.message)
                reasons[reason, default: (0, "")].0 += 1
                reasons[reason]!.1 = cols[0]
            }
        }
        var report = "leaf tasks: \(total); python-class tasks: \(pyTasks); hooks (!function, counted apart): \(hooks); "
        report += "loaded: \(loaded); other failures: \(total - pyTasks - hooks - loaded)\n"
        for (reason, (count, example)) in reasons.sorted(by: { $0.value.0 > $1.value.0 }) { report += "  \(count)\t\(reason)\t(e.g. \(example))\n" }
        report += "templates compiled in loaded tasks: \(templates)\n"
        for (construct, (count, example)) in unsupported.sorted(by: { $0.value.0 > $1.value.0 }) { report += "  \(count)\t\(construct)\t(e.g. \(example))\n" }
        print(report)
        if let out = ProcessInfo.processInfo.environment["LMEVAL_SURVEY_OUT"] { try report.write(toFile: out, atomically: true, encoding: .utf8) }
    }

    static func templates(_ d: LMEvalTaskDefinition) -> [(String, LMEvalTaskDefinition.DocField?)] {
        [("doc_to_text", d.docToText), ("doc_to_target", d.docToTarget), ("doc_to_choice", d.docToChoice), ("description", d.description),
         ("gen_prefix", d.genPrefix), ("fewshot_config.doc_to_text", d.fewShot.docToText), ("fewshot_config.doc_to_target", d.fewShot.docToTarget),
         ("fewshot_config.doc_to_choice", d.fewShot.docToChoice), ("fewshot_config.gen_prefix", d.fewShot.genPrefix)]
    }

    /// The message with its particulars (quoted names, numbers) kept but long tails cut.
    static func reason(_ message: String) -> String {
        let first = message.split(separator: "\n").first.map(String.init) ?? message
        return String(first.prefix(110))
    }
}
