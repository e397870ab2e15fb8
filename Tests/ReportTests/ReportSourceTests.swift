import Foundation
@testable import Report
import Testing

@Suite("report sources")
struct ReportSourceTests {
    @Test("a samples line is kept only when it is one whole object", arguments: [
        (#"{"id":"a","tokens":{"prompt":1}}"#, true),
        (#"{"id":"a","text":"braces } and { in \" a string"}"#, true),
        (#"{"id":"a","tokens":{"prompt":1}"#, false),        // cut after the inner object
        (#"{"id":"a","text":"cut in a str"#, false),
        (#"{"id":"a"}{"id":"b"}"#, false),                    // two objects on one line
        (#"["id"]"#, false),
        ("", false),
    ])
    func wholeLines(line: String, whole: Bool) {
        #expect(JSONLine.isWholeObject(line.utf8) == whole)
    }

    @Test("text that would close the script is escaped, and stays the same JSON")
    func scriptSafe() throws {
        let line = #"{"raw_answer":"</script><script>alert(1)</script>"}"#
        let safe = ReportPage.scriptSafe(line)
        #expect(!safe.contains("</"))
        let decoded = try JSONSerialization.jsonObject(with: Data(safe.utf8)) as? [String: String]
        #expect(decoded?["raw_answer"] == "</script><script>alert(1)</script>")
    }
}
