import Foundation
import Models
import Testing
@testable import Tasks

/// lm-eval's printed table (`make_table`, pytablewriter's Markdown) byte for byte: from every
/// recorded lm-eval run's own results file against the table it printed, from a recorded
/// group run (`Fixtures/lm_eval/output/group_run`: nested groups, a group without aggregate,
/// the Groups table), and from hand-made results dicts lm-eval printed (`output/tables.json`,
/// made by `output/make_tables.py`: N/A errors, int values, nan and inf, string versions).
@Suite("lm-eval's results table, as lm-eval prints it")
struct LMEvalTableTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lm_eval")

    static func json(_ url: URL) throws -> TemplateValue {
        try PythonJSON.parse(Substring(String(decoding: Data(contentsOf: url), as: UTF8.self)))
    }

    static let recordedRuns: [String] = {
        let folder = root.appendingPathComponent("recorded")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted().filter {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("\($0)/table.md").path)
        }
    }()

    @Test("every recorded run's table, from its results file", arguments: recordedRuns)
    func recordedTable(run: String) throws {
        let folder = Self.root.appendingPathComponent("recorded/\(run)")
        let results = try Self.json(folder.appendingPathComponent("results.json"))
        let expected = try String(contentsOf: folder.appendingPathComponent("table.md"), encoding: .utf8)
        // record.sh keeps the table lines of lm-eval's output: the Tasks table, then the Groups table.
        let printed = LMEvalTable.printed(results).split(separator: "\n").joined(separator: "\n") + "\n"
        #expect(printed == expected)
    }

    @Test("a group run: tree order, indented rows, a heading-only group, and the Groups table")
    func groupRun() throws {
        let folder = Self.root.appendingPathComponent("output/group_run")
        let results = try Self.json(folder.appendingPathComponent("results.json"))
        let expected = try String(contentsOf: folder.appendingPathComponent("table.md"), encoding: .utf8)
        let printed = LMEvalTable.printed(results)
        // table.md holds the lines starting with "|" that lm_eval printed.
        #expect(printed.split(separator: "\n").filter { $0.hasPrefix("|") }.joined(separator: "\n") + "\n" == expected)
        #expect(printed.hasSuffix("|\n\n"))
        #expect(printed.contains("|\n\n|  Groups  |"))
    }

    @Test("hand-made results dicts lm-eval printed")
    func tables() throws {
        guard case .array(let cases) = try Self.json(Self.root.appendingPathComponent("output/tables.json")) else { Issue.record("tables.json"); return }
        #expect(cases.count >= 10)
        for entry in cases {
            let name = entry.field("name")?.stringValue ?? "?"
            let input = try #require(entry.field("input"))
            #expect(LMEvalTable.text(input, column: "results") == entry.field("tasks")?.stringValue, "\(name)")
            if let groups = entry.field("groups")?.stringValue {
                #expect(LMEvalTable.text(input, column: "groups") == groups, "\(name): groups")
            }
        }
    }
}
