import Foundation
import Testing
@testable import Tasks

@Suite struct DataFilesResolverTests {
    /// The module name `datasets` would use for a format.
    func module(_ format: DataFileFormat) -> String {
        if case .csv = format { return "csv" }
        return format.description
    }

    @Test func inferenceMatchesDatasetsOnEveryRecordedCase() throws {
        let recorded = try #require(HubDataFixtures.json("patterns.json") as? [String: Any])
        let cases = try #require(recorded["cases"] as? [[String: Any]])
        #expect(cases.count > 20)
        for entry in cases {
            let files = try #require(entry["files"] as? [String])
            let resolver = DataFilesResolver(root: "/repo", files: files, card: DatasetCard(configs: [], features: [:]))
            if entry["error"] != nil {
                #expect(throws: TaskError.self, "\(files)") { try resolver.resolve(config: nil) }
                continue
            }
            let resolved = try resolver.resolve(config: nil)
            let expected = try #require(entry["splits"] as? [[Any]])
            let got = resolved.splits.map { [$0.split, $0.files.map { String($0.path.dropFirst("/repo/".count)) }] as [Any] }
            #expect(got.map { $0[0] as! String } == expected.map { $0[0] as! String }, "\(files)")
            #expect(got.map { $0[1] as! [String] } == expected.map { $0[1] as! [String] }, "\(files)")
            for split in resolved.splits { for file in split.files { #expect(module(file.format) == entry["module"] as? String, "\(files)") } }
        }
    }

    @Test func globsMatchFsspecOnEveryRecordedCase() throws {
        let recorded = try #require(HubDataFixtures.json("patterns.json") as? [String: Any])
        let globs = try #require(recorded["globs"] as? [[String: Any]])
        for entry in globs {
            let pattern = try #require(entry["pattern"] as? String)
            let files = try #require(entry["files"] as? [String])
            let resolver = DataFilesResolver(root: "/r", files: files, card: DatasetCard(configs: [], features: [:]))
            if entry["matched"] as? String == "error" {
                #expect(throws: TaskError.self, "\(pattern)") { try resolver.resolvePattern(pattern, base: "") }
            } else {
                #expect(try resolver.resolvePattern(pattern, base: "") == entry["matched"] as? [String], "\(pattern)")
            }
        }
    }

    @Test func cardConfigsPickSplitsDataDirAndDefault() throws {
        let card = try DatasetCard.parse("""
            ---
            configs:
            - config_name: main
              data_files:
              - split: train
                path: main/train-*
              - split: test
                path: [main/test-a.jsonl, main/test-b.jsonl]
            - config_name: socratic
              data_dir: socratic
              sep: ";"
            - config_name: one
              data_files: one.csv
              default: true
            ---
            text
            """, file: "README.md")
        #expect(card.configs.map(\.name) == ["main", "socratic", "one"])
        #expect(card.configs[1].extra["sep"]?.string == ";")
        let files = ["main/train-00000-of-00001.jsonl", "main/test-b.jsonl", "main/test-a.jsonl", "socratic/train.jsonl",
                     "socratic/test.jsonl", "one.csv", "README.md"]
        let resolver = DataFilesResolver(root: "/r", files: files, card: card)
        let main = try resolver.resolve(config: "main")
        #expect(main.files("test")?.map(\.path) == ["/r/main/test-a.jsonl", "/r/main/test-b.jsonl"])
        let socratic = try resolver.resolve(config: "socratic")
        #expect(socratic.splits.map(\.split) == ["train", "test"])
        #expect(socratic.files("test")?.map(\.path) == ["/r/socratic/test.jsonl"])
        let fallback = try resolver.resolve(config: nil)
        #expect(fallback.config == "one")
        #expect(fallback.files("train")?.first?.format == .csv(delimiter: ","))
        // dataset_kwargs.data_files and data_dir replace the config's
        let narrowed = try resolver.resolve(config: "main", dataFiles: [("validation", ["main/test-a.jsonl"])])
        #expect(narrowed.splits.map(\.split) == ["validation"])
        let dir = try resolver.resolve(config: "main", dataDir: "socratic")
        #expect(dir.files("train")?.map(\.path) == ["/r/socratic/train.jsonl"])
    }

    @Test func unknownConfigListsConfigsAndGuesses() throws {
        let card = try DatasetCard.parse("---\nconfigs:\n- config_name: ARC-Easy\n  data_files: a.csv\n- config_name: ARC-Challenge\n  data_files: b.csv\n---\n", file: "README.md")
        let resolver = DataFilesResolver(root: "/r", files: ["a.csv", "b.csv"], card: card)
        let error = try #require(throws: TaskError.self) { try resolver.resolve(config: "ARC-Easi") }
        #expect(error.hint?.contains("did you mean 'ARC-Easy'?") == true)
        #expect(error.hint?.contains("ARC-Challenge") == true)
        let none = try #require(throws: TaskError.self) { try resolver.resolve(config: nil) }
        #expect(none.hint?.contains("ARC-Easy, ARC-Challenge") == true)
    }

    @Test func cardErrorsAndShapes() throws {
        #expect(throws: TaskError.self) { try DatasetCard.parse("---\nconfigs:\n- data_files: a.csv\n---\n", file: "R") }
        #expect(throws: TaskError.self) { try DatasetCard.parse("---\nconfigs:\n- config_name: a\n  data_files:\n  - split: t\n    path: x\n  - split: t\n    path: y\n---\n", file: "R") }
        let two = try DatasetCard.parse("---\nconfigs:\n- config_name: a\n  default: true\n- config_name: default\n---\n", file: "R")
        #expect(throws: TaskError.self) { try two.defaultConfigName(file: "R") }
        #expect(try DatasetCard.parse("no front matter", file: "R").configs.isEmpty)
        #expect(try DatasetCard.parse("---\nlicense: mit\n---\n", file: "R").configs.isEmpty)
    }

    @Test func snakeCaseFollowsDatasetsNaming() {
        #expect(DatasetsArrowCache.snakeCase("ai2_arc") == "ai2_arc")
        #expect(DatasetsArrowCache.snakeCase("MMLU-Pro") == "mmlu-pro")
        #expect(DatasetsArrowCache.snakeCase("HellaSwag") == "hella_swag")
        #expect(DatasetsArrowCache.snakeCase("ABCDef") == "abc_def")
        #expect(DatasetsArrowCache.snakeCase("gsm8kTest") == "gsm8k_test")
    }
}
