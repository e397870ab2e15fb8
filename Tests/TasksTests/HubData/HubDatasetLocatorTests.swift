import Foundation
import Testing
@testable import Models
@testable import Tasks

@Suite struct HubDatasetLocatorTests {
    typealias F = HubDataFixtures

    func locator(datasets: String = "/nonexistent/datasets", hub: String = "/nonexistent/hub", cwd: String = "/nonexistent") -> HubDatasetLocator {
        HubDatasetLocator(paths: HuggingFaceCachePaths(datasets: datasets, hub: hub), workingDirectory: cwd)
    }

    @Test func datasetsCacheNewestHashWinsAndRevisionSelects() throws {
        let cache = try F.copy("datasets_cache")
        let easy = cache + "/allenai___ai2_arc/ARC-Easy/0.0.0/"
        try F.setModified(easy + F.oldCommit, Date(timeIntervalSince1970: 1_000))
        try F.setModified(easy + F.mainCommit, Date(timeIntervalSince1970: 2_000))
        let found = try locator(datasets: cache).locate(path: "allenai/ai2_arc", config: "ARC-Easy")
        #expect(found.source == .datasetsCache(folder: easy + F.mainCommit))
        #expect(found.splitNames == ["train", "test"])
        #expect(found.files("test")?.map(\.path) == [easy + F.mainCommit + "/ai2_arc-test.arrow"])
        #expect(found.files("train")?.first?.format == .arrow)
        #expect(found.features?.contains("answerKey") == true)
        try F.setModified(easy + F.oldCommit, Date(timeIntervalSince1970: 3_000))
        #expect(try locator(datasets: cache).locate(path: "allenai/ai2_arc", config: "ARC-Easy").source == .datasetsCache(folder: easy + F.oldCommit))
        let pinned = try locator(datasets: cache).locate(path: "allenai/ai2_arc", config: "ARC-Easy", revision: F.mainCommit)
        #expect(pinned.source == .datasetsCache(folder: easy + F.mainCommit))
    }

    @Test func datasetsCacheWithoutConfigRefusesSeveralAtTheNewestHash() throws {
        // As cache.py does: the newest folder's version and hash decide; other configs there make it ambiguous.
        let cache = try F.copy("datasets_cache")
        let base = cache + "/allenai___ai2_arc/"
        try F.setModified(base + "ARC-Easy/0.0.0/" + F.oldCommit, Date(timeIntervalSince1970: 1_000))
        try F.setModified(base + "ARC-Easy/0.0.0/" + F.mainCommit, Date(timeIntervalSince1970: 2_000))
        try F.setModified(base + "ARC-Challenge/0.0.0/" + F.mainCommit, Date(timeIntervalSince1970: 2_000))
        let error = try #require(throws: TaskError.self) { try locator(datasets: cache).locate(path: "allenai/ai2_arc", config: nil) }
        #expect(error.message.contains("ARC-Challenge, ARC-Easy"))
        // An older commit prepared last holds one config only: datasets takes it.
        try F.setModified(base + "ARC-Easy/0.0.0/" + F.oldCommit, Date(timeIntervalSince1970: 3_000))
        #expect(try locator(datasets: cache).locate(path: "allenai/ai2_arc", config: nil).config == "ARC-Easy")
    }

    @Test func datasetsCacheSkipsHashedConfigIDsAndSnakeCasesTheName() throws {
        let cache = try F.copy("datasets_cache")
        let found = try locator(datasets: cache).locate(path: "someorg/PlainSet", config: nil)
        #expect(found.config == "default")
        #expect(found.splitNames == ["train", "test"])
        #expect(found.files("train")?.map { ($0.path as NSString).lastPathComponent } == ["plain_set-train.arrow"])
        #expect(DatasetsArrowCache(root: cache).cachedConfigs(repo: "someorg/plain_set") == ["default"])
    }

    @Test func shardedArrowFilesInShardOrder() throws {
        let root = NSTemporaryDirectory() + "hubdata-\(UUID().uuidString)"
        let folder = root + "/org___name/default/0.0.0/abc"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let info = #"{"config_name": "default", "splits": {"test": {"name": "test", "num_examples": 3, "shard_lengths": [1, 1, 1]}}}"#
        try info.write(toFile: folder + "/dataset_info.json", atomically: true, encoding: .utf8)
        let found = try #require(try DatasetsArrowCache(root: root).locate(repo: "org/name", config: nil))
        #expect(found.files("test")?.map { ($0.path as NSString).lastPathComponent }
                == ["name-test-00000-of-00003.arrow", "name-test-00001-of-00003.arrow", "name-test-00002-of-00003.arrow"])
    }

    @Test func hubSnapshotMainRevisionAndParquetExport() throws {
        let hub = F.folder + "/hub"
        let found = try locator(hub: hub).locate(path: "allenai/ai2_arc", config: "ARC-Challenge")
        let snapshot = hub + "/datasets--allenai--ai2_arc/snapshots/" + F.mainCommit
        #expect(found.source == .hubSnapshot(folder: snapshot, commit: F.mainCommit))
        #expect(found.splitNames == ["train", "test"])
        #expect(found.files("train") == [LocatedDataFile(path: snapshot + "/ARC-Challenge/train-00000-of-00001.parquet", format: .parquet)])
        #expect(FileManager.default.isReadableFile(atPath: found.files("train")![0].path))
        let old = try locator(hub: hub).locate(path: "allenai/ai2_arc", config: "ARC-Easy", revision: F.oldCommit)
        #expect(old.source == .hubSnapshot(folder: hub + "/datasets--allenai--ai2_arc/snapshots/" + F.oldCommit, commit: F.oldCommit))
        let export = try locator(hub: hub).locate(path: "allenai/ai2_arc", config: "ARC-Easy", revision: "refs/convert/parquet")
        let exportFolder = hub + "/datasets--allenai--ai2_arc/snapshots/" + F.parquetCommit
        #expect(export.source == .hubSnapshot(folder: exportFolder, commit: F.parquetCommit))
        #expect(Set(export.splitNames) == ["train", "test", "validation"])
        #expect(export.files("validation")?.map(\.path) == [exportFolder + "/ARC-Easy/partial-validation/0000.parquet",
                                                           exportFolder + "/ARC-Easy/partial-validation/0001.parquet"])
        let error = try #require(throws: TaskError.self) { try locator(hub: hub).locate(path: "allenai/ai2_arc", config: "ARC-Eazy") }
        #expect(error.hint?.contains("did you mean 'ARC-Easy'?") == true)
    }

    @Test func hubSnapshotOfJSONLinesReadsRecords() throws {
        let found = try locator(hub: F.folder + "/hub").locate(path: "someorg/jsonl_set", config: nil)
        #expect(found.splitNames == ["validation", "test"])
        let records = try DataFileRecords.read(try #require(found.files("test")?.first))
        #expect(records.count == 2)
        #expect(records[1].fields.first?.1 == .string("t2"))
        #expect(records[1].line == 2)
    }

    @Test func localFolderMatchesDatasetsRecords() throws {
        let expected = try #require(F.json("local_expected.json") as? [String: [String: [[String: String]]]])
        for config in ["main", "socratic"] {
            let found = try locator(cwd: F.folder + "/local").locate(path: "mydata", config: config)
            #expect(found.source == .localFolder(F.folder + "/local/mydata"))
            #expect(Set(found.splitNames) == Set(expected[config]!.keys))
            for (split, rows) in expected[config]! {
                let records = try found.files(split)!.flatMap { file throws(TaskError) in try DataFileRecords.read(file) }
                let got = records.map { record in Dictionary(uniqueKeysWithValues: record.fields.map { ($0.0, { if case .string(let s) = $0.1 { return s } else { return "" } }($0)) }) }
                #expect(got == rows, "\(config)/\(split)")
            }
        }
        let main = try locator().locate(path: F.folder + "/local/mydata", config: nil)
        #expect(main.config == "main")
        #expect(main.features?.contains("question") == true)
    }

    @Test func notFoundListsEveryPlaceAndHowToFillACache() throws {
        let error = try #require(throws: TaskError.self) {
            try locator(datasets: "/d", hub: "/h", cwd: "/w").locate(path: "allenai/ai2_arc", config: "ARC-Easy")
        }
        #expect(error.message.contains("/d/allenai___ai2_arc/ARC-Easy/*/*/dataset_info.json"))
        #expect(error.message.contains("/h/datasets--allenai--ai2_arc/refs/main"))
        #expect(error.message.contains("/w/allenai/ai2_arc"))
        #expect(error.hint?.contains("huggingface-cli download allenai/ai2_arc --repo-type dataset") == true)
        #expect(error.hint?.contains("run lm-eval once online") == true)
    }

    @Test func environmentPrecedence() {
        let home = "/home/u"
        #expect(HuggingFaceCachePaths(environment: [:], home: home) == HuggingFaceCachePaths(datasets: "/home/u/.cache/huggingface/datasets", hub: "/home/u/.cache/huggingface/hub"))
        #expect(HuggingFaceCachePaths(environment: ["XDG_CACHE_HOME": "/x"], home: home) == HuggingFaceCachePaths(datasets: "/x/huggingface/datasets", hub: "/x/huggingface/hub"))
        #expect(HuggingFaceCachePaths(environment: ["XDG_CACHE_HOME": "/x", "HF_HOME": "~/hf"], home: home) == HuggingFaceCachePaths(datasets: "/home/u/hf/datasets", hub: "/home/u/hf/hub"))
        let all = ["HF_HOME": "/hf", "HF_DATASETS_CACHE": "/ds", "HUGGINGFACE_HUB_CACHE": "/old", "HF_HUB_CACHE": "/new"]
        #expect(HuggingFaceCachePaths(environment: all, home: home) == HuggingFaceCachePaths(datasets: "/ds", hub: "/new"))
        #expect(HuggingFaceCachePaths(environment: ["HF_HOME": "/hf", "HUGGINGFACE_HUB_CACHE": "/old"], home: home).hub == "/old")
        #expect(HuggingFaceCachePaths(environment: ["HF_HUB_CACHE": ""], home: home).hub == "/home/u/.cache/huggingface/hub")
    }

    @Test func locatingOpensNoSocket() throws {
        let before = F.openSockets()
        _ = try? locator(hub: F.folder + "/hub").locate(path: "allenai/ai2_arc", config: "ARC-Easy")
        _ = try? locator().locate(path: "nobody/nothing", config: nil)
        #expect(F.openSockets() == before)
    }
}
