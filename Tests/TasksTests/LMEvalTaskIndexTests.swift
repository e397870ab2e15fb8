import TestSupport
import Foundation
@testable import Tasks
import Testing

/// The index of lm-eval task names against lm-eval 0.4.13's own `TaskIndex`, dumped by
/// `Fixtures/LMEvalIndex/dump_lmeval_index.py` over the committed folders (real library files
/// plus edge cases: a tag taking a task's name, duplicates, an include reached twice, a second
/// document, an unknown tag, quoting, BOM and CRLF, an include folder overriding the library).
@Suite("lm-eval task index")
struct LMEvalTaskIndexTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/LMEvalIndex").path

    /// An index as the dump writes it: name -> kind, "N:relative path", members, output type.
    static func dumped(_ index: LMEvalTaskIndex, roots: [String]) -> [String: [String: AnyHashable]] {
        var out: [String: [String: AnyHashable]] = [:]
        for entry in index.entries {
            var record: [String: AnyHashable] = ["kind": entry.kind.rawValue]
            if let path = entry.path, let number = roots.firstIndex(where: { path.hasPrefix($0 + "/") }) {
                record["path"] = "\(number):" + path.dropFirst(roots[number].count + 1)
            }
            if entry.kind == .tag { record["members"] = entry.members }
            if let outputType = entry.outputType { record["output_type"] = outputType }
            out[entry.name] = record
        }
        return out
    }

    static func recorded(_ file: String) throws -> [String: [String: AnyHashable]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let json = try #require(JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        return json.mapValues { record in
            record.mapValues { value -> AnyHashable in (value as? [String]).map { $0 as AnyHashable } ?? (value as! String) as AnyHashable }
        }
    }

    static func compare(_ ours: [String: [String: AnyHashable]], _ theirs: [String: [String: AnyHashable]]) -> [String] {
        var differences: [String] = []
        for name in Set(ours.keys).union(theirs.keys).sorted() where ours[name] != theirs[name] {
            differences.append("\(name): ours \(ours[name].map { "\($0)" } ?? "missing"), lm-eval \(theirs[name].map { "\($0)" } ?? "missing")")
        }
        return differences
    }

    @Test("the committed folders index to exactly lm-eval's names, kinds, paths and tag members")
    func matchesLMEval() throws {
        let cache = try ScratchFolder()
        let roots = [Self.fixtures + "/library", Self.fixtures + "/include"]
        let index = try LMEvalTaskIndex.build(includePaths: [roots[1]], library: roots[0], cacheFolder: cache.url.path)
        let differences = Self.compare(Self.dumped(index, roots: roots), try Self.recorded(Self.fixtures + "/index.json"))
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        // Read back from the cache: the same index.
        let cached = try LMEvalTaskIndex.build(includePaths: [roots[1]], library: roots[0], cacheFolder: cache.url.path)
        #expect(cached.entries == index.entries)
        #expect(index.entry("hellaswag")?.path == roots[1] + "/my_hellaswag.yaml")
        #expect(index.entry("mmlu_stem_tasks")?.members.count == 19)
    }

    @Test("the cache follows edits, new files and removed files, and a corrupt cache is rebuilt")
    func cacheInvalidation() throws {
        let folder = try ScratchFolder(), cache = try ScratchFolder()
        let root = folder.url.path
        try "task: one\n".write(toFile: root + "/one.yaml", atomically: true, encoding: .utf8)
        let build = { () throws -> LMEvalTaskIndex in try LMEvalTaskIndex.build(includePaths: [root], library: nil, cacheFolder: cache.url.path) }
        #expect(try build().entries.map(\.name) == ["one"])
        // An edit (a later modification time), a new file in a new folder, then a removal.
        try "task: uno\ntag: numbers\n".write(toFile: root + "/one.yaml", atomically: false, encoding: .utf8)
        let later = Date().addingTimeInterval(5)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: root + "/one.yaml")
        #expect(try build().entries.map(\.name) == ["numbers", "uno"])
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try "task: two\ntag: numbers\n".write(toFile: root + "/sub/two.yaml", atomically: true, encoding: .utf8)
        #expect(try build().entry("numbers")?.members == ["two", "uno"])
        try FileManager.default.removeItem(atPath: root + "/one.yaml")
        #expect(try build().entries.map(\.name) == ["numbers", "two"])
        // A template included from outside the folders is watched too.
        let template = cache.url.path + "/shared_yaml"
        try "output_type: loglikelihood\n".write(toFile: template, atomically: true, encoding: .utf8)
        try "include: \(template)\ntask: three\n".write(toFile: root + "/three.yaml", atomically: true, encoding: .utf8)
        #expect(try build().entry("three")?.outputType == "loglikelihood")
        try "output_type: generate_until\n".write(toFile: template, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: later.addingTimeInterval(5)], ofItemAtPath: template)
        #expect(try build().entry("three")?.outputType == "generate_until")
        // Garbage in every cache file: ignored, rebuilt.
        for file in try FileManager.default.contentsOfDirectory(atPath: cache.url.path) where file.hasPrefix("lmeval-index-") {
            try "runner-lmeval-index\t1\nentry\tnonsense\n\u{0}".write(toFile: cache.url.path + "/" + file, atomically: true, encoding: .utf8)
        }
        #expect(try build().entries.map(\.name) == ["numbers", "three", "two"])
    }

    @Test("unknown names get near names and the folders searched; missing folders are one clear error")
    func unknownNames() throws {
        let index = try LMEvalTaskIndex.build(includePaths: [], library: Self.fixtures + "/library", cacheFolder: nil)
        #expect(index.suggestions(for: "hellaswg").first == "hellaswag")
        #expect(index.suggestions(for: "arc_eazy").first == "arc_easy")
        #expect(index.suggestions(for: "mmlu_anatomy").contains("mmlu_anatomy") == false)
        #expect(index.suggestions(for: "abstract_algebra").contains("mmlu_abstract_algebra"))
        let error = index.unknownNameError("hellaswg", place: "task.tasks")
        #expect(error.message.contains("'hellaswg'") && error.place == "task.tasks")
        #expect(error.hint?.contains("did you mean 'hellaswag'") == true && error.hint?.contains(Self.fixtures + "/library") == true)
        #expect(index.suggestions(for: "zzzzqqqq").isEmpty)
        #expect(throws: TaskError.self) { try LMEvalTaskIndex.build(includePaths: [], library: "/nonexistent/lm_eval/tasks", cacheFolder: nil) }
        do {
            _ = try LMEvalTaskIndex.build(includePaths: ["/nonexistent/tasks"], library: nil, cacheFolder: nil)
        } catch {
            #expect(error.message.contains("/nonexistent/tasks") && error.hint != nil)
        }
    }

    @Test("the scanner reads top-level keys as PyYAML does, and gives up where it cannot follow")
    func scanner() {
        func keys(_ text: String) -> LMEvalTopLevelKeys.Shape { LMEvalTopLevelKeys.scan(Array(text.utf8)) }
        #expect(keys("task: a # note\ntag: [x, 'y''s', \"z\\u00e9\"]\n") == .mapping(["task": .string("a"), "tag": .list([.string("x"), .string("y's"), .string("zé")])]))
        #expect(keys("tag:\n- a\n-   b  # c\nother: 1\n") == .mapping(["tag": .list([.string("a"), .string("b")])]))
        #expect(keys("group: g\ntask:\n  - a\n  - task: b\n    num_fewshot: 1\n  - c\n") == .mapping(["group": .string("g"), "task": .list([.string("a"), .other, .string("c")])]))
        #expect(keys("task: 12\ntag: yes\noutput_type: 1.5\n") == .mapping(["task": .other, "tag": .other, "output_type": .other]))
        #expect(keys("task: 1e5\ntag: ~\n") == .mapping(["task": .string("1e5"), "tag": .null]))
        #expect(keys("class: !function x.Y\ntask: t\n") == .mapping(["class": .other, "task": .string("t")]))
        #expect(keys("") == .notMapping)
        #expect(keys("# nothing\n") == .notMapping)
        #expect(keys("- a\n") == .notMapping)
        #expect(keys("task: a\n---\ntask: b\n") == .unreadable)
        #expect(keys("task: a\nx: !python/object y\n") == .unreadable)
        #expect(keys("task: \"open\n") == .unreadable)
        #expect(keys("task: |\n  a\n") == .unreadable)
        #expect(keys("task: a\n  b\n") == .unreadable)
        #expect(keys("task: [a,\n b]\n") == .unreadable)
    }

    /// By hand, over a whole library against lm-eval's dump of it:
    /// `LMEVAL_LIBRARY=.../lm_eval/tasks LMEVAL_INDEX_DUMP=full.json swift test --filter LMEvalTaskIndexTests`
    /// (the dump: `python dump_lmeval_index.py LIBRARY > full.json`). Prints the cold and cached times.
    @Test("the whole library (by hand: LMEVAL_LIBRARY and LMEVAL_INDEX_DUMP)")
    func wholeLibrary() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let library = environment["LMEVAL_LIBRARY"], let dump = environment["LMEVAL_INDEX_DUMP"] else {
            print("skipped: set LMEVAL_LIBRARY and LMEVAL_INDEX_DUMP to check a whole library")
            return
        }
        let cache = try ScratchFolder()
        var times: [Double] = []
        var index: LMEvalTaskIndex?
        for _ in 0..<3 {
            let start = ContinuousClock.now
            index = try LMEvalTaskIndex.build(includePaths: [], library: library, cacheFolder: nil)
            times.append(Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds))
        }
        let start = ContinuousClock.now
        _ = try LMEvalTaskIndex.build(includePaths: [], library: library, cacheFolder: cache.url.path)
        let write = ContinuousClock.now - start
        let warmStart = ContinuousClock.now
        let warm = try LMEvalTaskIndex.build(includePaths: [], library: library, cacheFolder: cache.url.path)
        let read = ContinuousClock.now - warmStart
        print("lm-eval index: \(index!.count) names; cold builds \(times.map { String(format: "%.3f", $0) }) s; cold+cache write \(write); cached \(read)")
        #expect(warm.entries == index!.entries)
        let differences = Self.compare(Self.dumped(index!, roots: [library]), try Self.recorded(dump))
        #expect(differences.isEmpty, "\(differences.count) differences:\n\(differences.prefix(40).joined(separator: "\n"))")
    }
}

/// A folder removed when the test ends.
private final class ScratchFolder {
    let temporary: TemporaryDirectory
    var url: URL { temporary.url }
    init() throws {
        temporary = try TemporaryDirectory("lmeval-index")
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}
