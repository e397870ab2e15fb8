import Foundation
import TestSupport
import Models
import Testing
@testable import Tasks

/// `dataset_kwargs.column_names` (mmlusr's CSV files have no header row): every row is data,
/// named and typed as `datasets.load_dataset('csv', column_names=...)` gives them
/// (`Fixtures/lm_eval/column_names/expected.json`, recorded by `record_column_names.py`).
@Suite("lm-eval dataset_kwargs.column_names")
struct LMEvalColumnNamesTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lm_eval/column_names").path

    /// A task file in `folder` (which the caller keeps until the task is read).
    static func task(in folder: TemporaryDirectory, _ extra: String) throws -> String {
        let file = folder.url.appendingPathComponent("t.yaml").path
        try """
            task: t
            test_split: test
            output_type: generate_until
            doc_to_text: "Q: {{question}}"
            doc_to_target: answer
            \(extra)
            """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("a CSV file without a header row, read with column_names as datasets reads it")
    func csv() throws {
        let folder = try TemporaryDirectory("lmeval-colnames")
        defer { withExtendedLifetime(folder) {} }
        let file = try Self.task(in: folder, """
            dataset_path: csv
            dataset_kwargs:
              data_files: {test: \(Self.fixtures)/test.csv}
              column_names: ["question", "choice1", "choice2", "choice3", "choice4", "answer"]
              header: null
            """)
        let task = try LMEvalHookTests.build("name: lm_eval\npath: \(file)\n")
        let text = try String(contentsOfFile: Self.fixtures + "/expected.json", encoding: .utf8)
        guard case .array(let rows) = try PythonJSON.parse(Substring(text))["rows"] else { Issue.record("no rows"); return }
        #expect(task.plans.count == rows.count, "every row is data: none is taken as a header")
        for (plan, row) in zip(task.plans, rows) {
            #expect(plan.doc == row, "doc \(plan.docID): \(plan.doc) vs datasets' \(row)")
        }
    }

    @Test("column_names with JSON data: one clear error")
    func json() throws {
        let folder = try TemporaryDirectory("lmeval-colnames")
        defer { withExtendedLifetime(folder) {} }
        let file = try Self.task(in: folder, """
            dataset_path: json
            dataset_kwargs:
              data_files: {test: x.jsonl}
              column_names: ["question"]
            """)
        let error = try #require(LMEvalHookTests.error { _ = try LMEvalHookTests.build("name: lm_eval\npath: \(file)\n") })
        #expect(error.message.contains("column_names is read for CSV data only"), "\(error.message)")
    }
}
