import Foundation
import FuzzTargets
import Testing

/// Every committed fuzz input, and every crash the fuzzers ever found (`fuzz/regressions/`,
/// kept once fixed), through the same entry points the fuzzers drive: none
/// may trap, and every failure must be a shaped user error (a failure otherwise ends this
/// test process, which fails the run).
@Suite("fuzz corpus and past crashes")
struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz")

    static func inputs(_ target: String) -> [URL] {
        ["corpus", "regressions"].flatMap { folder -> [URL] in
            let dir = root.appendingPathComponent("\(folder)/\(target)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.sorted().filter { !$0.hasPrefix(".") }.map { dir.appendingPathComponent($0) }
        }
    }

    @Test("every target has a corpus, and every input is handled without a trap", arguments: FuzzTarget.all.map(\.name))
    func corpus(target name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let files = Self.inputs(name)
        #expect(!files.isEmpty, "fuzz/corpus/\(name) is empty")
        for file in files {
            target.run(Array(try Data(contentsOf: file)))
        }
    }
}
