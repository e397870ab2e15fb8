import Foundation
import Testing
@testable import Tasks

/// How `task.tasks` names expand into tasks and groups (lm-eval 0.4.13's TaskManager rules),
/// and the one clear error for each malformed tree. `Fixtures/lm_eval/tree` holds a tree and
/// what lm-eval's own TaskManager builds of it (`check_tree.py` > `lm_eval_tree.txt`).
@Suite("lm-eval task trees")
struct LMEvalTaskTreeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lm_eval/tree")

    /// The fixture tree plus `extra` files, indexed, in a temporary folder.
    func index(_ extra: [String: String] = [:]) throws -> (LMEvalTaskIndex, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tree-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path) where name.hasSuffix(".yaml") {
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        for (name, text) in extra { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return (try LMEvalTaskIndex.build(includePaths: [dir.path], library: nil, cacheFolder: nil), dir)
    }

    /// A tree printed as `check_tree.py` prints lm-eval's.
    static func render(_ nodes: [LMEvalTaskTree.Node], indent: Int = 0) -> [String] {
        nodes.flatMap { node -> [String] in
            let pad = String(repeating: " ", count: indent)
            switch node {
            case .group(let group): return [pad + "group " + group.name] + render(group.children, indent: indent + 2)
            case .leaf(let leaf):
                let shots = leaf.keys["num_fewshot"].map { $0.templateValue.text } ?? "None"
                return [pad + "task \(leaf.name) num_fewshot= \(shots)"]
            }
        }
    }

    @Test("tags, groups, overrides and nested groups expand as lm-eval's TaskManager builds them")
    func sameTreeAsLMEval() throws {
        let (index, dir) = try index()
        defer { try? FileManager.default.removeItem(at: dir) }
        let recorded = try String(contentsOf: Self.fixtures.appendingPathComponent("lm_eval_tree.txt"), encoding: .utf8)
            .components(separatedBy: "--\n").map { $0.split(separator: "\n").map(String.init) }.filter { !$0.isEmpty }
        #expect(recorded.count == 3)
        for (names, expected) in zip([["letters"], ["greek"], ["outer"]], recorded) {
            let tree = try LMEvalTaskTree.expand(names, index: index)
            #expect(Self.render(tree.roots) == expected, "\(names)")
        }
    }

    @Test("a group's aggregate takes lm-eval 0.4.13's defaults; a tag has no heading")
    func expansion() throws {
        let (index, dir) = try index()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try LMEvalTaskTree.expand(["letters"], index: index).groupsBottomUp.isEmpty)
        let group = try #require(try LMEvalTaskTree.expand(["greek"], index: index).groupsBottomUp.first)
        #expect(group.aggregates.count == 1 && group.aggregates[0].metric == "acc" && !group.aggregates[0].weightBySize)
        #expect(group.aggregates[0].filters == nil, "filters default to those the leaves report")
    }

    @Test("nested groups aggregate children first; a leaf under two groups of one tree is counted twice and reported (lm-eval #4171)")
    func nesting() throws {
        let (index, dir) = try index()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tree = try LMEvalTaskTree.expand(["outer"], index: index)
        #expect(tree.groupsBottomUp.map(\.name) == ["greek", "outer"])
        #expect(tree.leaves.map(\.name) == ["alpha", "beta", "gamma", "greek::delta"], "each leaf runs once")
        let outer = try #require(tree.groupsBottomUp.last)
        #expect(outer.leafNames.filter { $0 == "alpha" }.count == 2)
        #expect(tree.doubleCounted.map(\.leaf) == ["alpha"])
    }

    @Test("malformed trees: one error each, naming the file or key and how to fix it", arguments: [
        (["loop.yaml": "group: loop\ntask: [loop2]\n", "loop2.yaml": "group: loop2\ntask: [loop]\n"], ["loop"],
         "group 'loop' contains itself: loop -> loop2 -> loop", "/loop.yaml"),
        ([:], ["greek", "alpha"], "task 'alpha' is in both 'greek' and 'alpha'", "task.tasks"),
        ([:], ["gama"], "unknown lm-eval task, group or tag 'gama'", "task.tasks"),
        (["bad.yaml": "group: bad\ntask: [nothing_here]\n"], ["bad"], "unknown lm-eval task, group or tag 'nothing_here'", "bad.yaml"),
        (["median.yaml": "group: med\ntask: [alpha]\naggregate_metric_list:\n  - metric: acc\n    aggregation: median\n"], ["med"],
         "aggregation 'median' of a group: only 'mean' is known", "median.yaml:5"),
        (["cls.yaml": "task: pyclass\nclass: !function x.Y\n"], ["pyclass"], "is a Python Task class", "cls.yaml"),
    ] as [([String: String], [String], String, String)])
    func malformed(files: [String: String], names: [String], message: String, place: String) throws {
        let (index, dir) = try index(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try LMEvalTaskTree.expand(names, index: index)
            Issue.record("no error for \(names)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.place?.contains(place) == true, "\(String(describing: error.place))")
        }
    }

    @Test("an unknown name is answered with the near names the index holds")
    func didYouMean() throws {
        let (index, dir) = try index()
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = index.unknownNameError("gama", place: "task.tasks")
        #expect(error.hint?.contains("did you mean 'gamma'") == true, "\(error.hint ?? "")")
        #expect(error.hint?.contains(dir.path) == true, "the hint names the folders searched")
    }
}
