import TestSupport
import Foundation
import Models
import Testing
@testable import Tasks

/// Issue 16's flat memory: items stay in the file, scores are kept as columns, few-shot draws
/// touch only the positions they need. Each piece must give what the in-memory version gave.
@Suite("streamed items: records read back from the file, score columns, sparse few-shot draws")
struct StreamingItemsTests {
    let temporary: TemporaryDirectory
    var folder: URL { temporary.url }

    init() throws {
        temporary = try TemporaryDirectory("streaming-tests")
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("records that straddle the 1 MiB read chunks are read whole, at their lines, and read back equal")
    func chunkBoundaries() throws {
        // Lines of varying length (some over 1 MiB) so that many cross a chunk boundary.
        var lines: [String] = []
        var expected: [(id: String, question: String)] = []
        for i in 0..<300 {
            let question = String(repeating: "q\(i % 10)", count: i == 150 ? 700_000 : 1 + (i * 7919) % 4000)
            lines.append(#"{"id": "item-\#(i)", "question": "\#(question)"}"#)
            if i % 50 == 0 { lines.append("   ") }  // a blank line: skipped, but counted for line numbers
            expected.append(("item-\(i)", question))
        }
        let path = try file("big.jsonl", lines.joined(separator: "\r\n"))
        let items = try DatasetLoader.load(DatasetConfig(path: path), required: ["question"])
        #expect(items.count == 300)
        let all = try items.all()
        #expect(all.map(\.id) == expected.map(\.id))
        #expect(all.map { $0["question"]?.stringValue ?? "" } == expected.map(\.question))
        #expect(all.map(\.index) == Array(0..<300))
        // Item 51 is on line 54: blank lines follow items 0 and 50.
        #expect(all[51].place == "\(path):54")
        #expect(try items.item(at: 299) == all[299])
    }

    @Test("a dataset edited during the run is an error naming the line, not a wrong item")
    func changedFile() throws {
        let path = try file("edit.jsonl", "{\"id\": \"a\", \"question\": \"first\"}\n{\"id\": \"b\", \"question\": \"second\"}\n")
        let items = try DatasetLoader.load(DatasetConfig(path: path), required: ["question"])
        #expect(try items.item(at: 1)["question"] == .string("second"))
        // Same file, truncated in place (the descriptor stays open).
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 40)
        try handle.close()
        #expect(throws: TaskError.self) { _ = try items.item(at: 1) }
        do {
            _ = try items.item(at: 1)
        } catch {
            #expect(error.message.hasPrefix("dataset file changed during the run"))
            #expect(error.place == "\(path):2")
        }
    }

    @Test("duplicate ids are found through their hashes, at the second line, naming the first")
    func duplicates() throws {
        var lines = (0..<2000).map { #"{"id": "x\#($0)", "question": "?"}"# }
        lines.append(#"{"id": "x1234", "question": "again"}"#)
        let path = try file("dup.jsonl", lines.joined(separator: "\n"))
        do {
            _ = try DatasetLoader.load(DatasetConfig(path: path), required: ["question"])
            Issue.record("a duplicate id loaded")
        } catch {
            #expect(error.message == "duplicate item id 'x1234' (first on line 1235)")
            #expect(error.place == "\(path):2001")
        }
    }

    /// The draw before the sparse one: a Fisher-Yates over the pool's positions without the item.
    static func plainDraw(poolIDs: [String], itemID: String, count: Int, seed: Int, excluding: Bool) -> [Int] {
        var chosen = excluding ? poolIDs.indices.filter { poolIDs[$0] != itemID } : Array(poolIDs.indices)
        var generator = SeededGenerator(seed: seed ^ Int(truncatingIfNeeded: FewShotSampler.hash(itemID)))
        let k = min(count, chosen.count)
        for i in 0..<k { chosen.swapAt(i, i + generator.index(below: chosen.count - i)) }
        return Array(chosen.prefix(k))
    }

    @Test("the sparse few-shot draw picks the same examples as a Fisher-Yates over the whole pool")
    func sparseDraw() {
        let ids = (0..<40).map { "id\($0)" }
        for count in [1, 3, 5, 39] {
            for excluding in [true, false] {
                let sampler = FewShotSampler(poolCount: ids.count, count: count, seed: 1234, excludesItemItself: excluding)
                for (position, id) in ids.enumerated() {
                    let sparse = sampler.exampleIndices(for: id, at: position)
                    #expect(sparse == Self.plainDraw(poolIDs: ids, itemID: id, count: count, seed: 1234, excluding: excluding),
                            "count \(count), item \(position)")
                    if excluding { #expect(!sparse.contains(position)) }
                    #expect(Set(sparse).count == sparse.count)
                }
            }
        }
    }

    @Test("score columns filled out of order give the interval and report of the items in order")
    func scoreColumns() {
        let scores = (0..<500).map { i -> ItemScore in
            let gold = ["A", "B", "C", "D"][i % 4]
            let prediction: String? = i % 7 == 0 ? nil : ["A", "B", "C", "D", "E"][(i * 13) % 5]
            return ItemScore(gold: gold, prediction: prediction, raw: "", metrics: ["acc": prediction == gold ? 1 : 0])
        }
        var shuffled = ScoreColumns(items: 600, keepsLabels: true)
        var generator = SeededGenerator(seed: 5)
        // 500 scored items among 600 (the others skipped or errored), arriving in random order.
        let positions = Array(0..<500).map { $0 + $0 / 5 }
        for k in Array(0..<500).shuffled(using: &generator) { shuffled.append(scores[k], item: positions[k]) }
        shuffled.compact()
        let inOrder = scores.map { $0.metrics["acc"]! }
        #expect(shuffled.values("acc") == inOrder)
        #expect(Bootstrap.mean(shuffled.values("acc"), iterations: 200, seed: 3) == Bootstrap.mean(inOrder, iterations: 200, seed: 3))
        let pairs = scores.map { ($0.gold, $0.prediction) }
        let fromPairs = ClassificationReport(labels: ["A", "B", "C", "D"], pairs: pairs)
        #expect(ClassificationReport(labels: ["A", "B", "C", "D"], counts: shuffled.labelPairCounts) == fromPairs)
        #expect(fromPairs.labels == ["A", "B", "C", "D", "E"])
        #expect(shuffled.count == 500)
    }
}
