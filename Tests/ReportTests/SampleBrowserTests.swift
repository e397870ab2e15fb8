import Foundation
@testable import Report
import Testing
import TestSupport

/// The sample browser of report.html, drawn by headless chromium (`scripts/test.sh` installs
/// it): an lm-eval document shows its answer and its gold as choice text with their indices,
/// and a record without indices (our mcq task's, or one written before they were) as it is.
@Suite("report.html sample browser", .serialized, .timeLimit(.minutes(2)),
       .enabled(if: Chromium.path != nil || Chromium.isRequired))
struct SampleBrowserTests {
    static let results = #"""
    {"task": "lm_eval/mc", "model": "hf_local", "status": "completed", "main_metric": "acc",
     "metrics": {"acc": {"value": 0.5, "ci_low": 0.0, "ci_high": 1.0, "n": 2}}, "counts": {"items": 2}}
    """#

    /// The rows the browser draws for these sample lines, as text.
    func rows(_ lines: [String]) async throws -> [String] {
        let chromium = try Chromium.require()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sample-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let job = try ReportJob(results: Data(Self.results.utf8), samples: lines.joined(separator: "\n"), directory: folder.path, number: nil)
        let path = try ReportPage(source: ReportSource(kind: .run, directory: folder.path, jobs: [job]), version: "test").write()
        let dom = try await chromium.dumpDOM(path)
        // Each drawn row: <div class="row" ...><span class="tag ...">outcome</span>text</div>
        return dom.components(separatedBy: "<div class=\"row").dropFirst().map { piece in
            let text = piece.components(separatedBy: "</span>").dropFirst().first?.components(separatedBy: "</div>").first ?? ""
            return text.replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    @Test("an lm-eval record shows the answer and the gold as choice text, each with its index")
    func choiceText() async throws {
        let rows = try await rows([
            #"{"id":"0","context":"Q: Which planet is red?\nA:","continuations":[" Venus"," Mars"," Jupiter"],"raw_answer":"","parsed_answer":"Jupiter","parsed_index":2,"gold":"Mars","gold_index":1,"score":0,"status":"scored","cached":false,"retries":0,"latency_ms":1.0,"tokens":{"prompt":1,"completion":0}}"#,
            #"{"id":"1","context":"Q: Pick two\nA:","continuations":[" a"," b"," c"],"raw_answer":"","parsed_answer":"a","parsed_index":0,"gold":["a","c"],"gold_index":[0,2],"score":1,"status":"scored","cached":false,"retries":0,"latency_ms":1.0,"tokens":{"prompt":1,"completion":0}}"#,
        ])
        #expect(rows == ["0  →  [2] Jupiter   (gold [1] Mars)", #"1  →  [0] a   (gold [0, 2] ["a","c"])"#])
    }

    @Test("a record without indices is drawn as before: our mcq task's letters")
    func withoutIndices() async throws {
        let rows = try await rows([
            #"{"id":"q1","prompt":"Which?\nA. red\nB. green","raw_answer":"B","parsed_answer":"B","gold":"A","score":0,"status":"scored","cached":false,"retries":0,"latency_ms":1.0,"tokens":{"prompt":1,"completion":1}}"#,
        ])
        #expect(rows == ["q1  →  B   (gold A)"])
    }
}
