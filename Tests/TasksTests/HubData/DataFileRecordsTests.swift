import Foundation
@testable import Models
import Testing
@testable import Tasks

/// Records of located data files against what `datasets.load_dataset` returned for them
/// (`Fixtures/lm_eval/hub/gzipped/expected.json`, written by its make_gzipped.py).
@Suite("data file records")
struct DataFileRecordsTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lm_eval/hub/gzipped").path

    @Test("gzipped JSON Lines files, one of two gzip members, give the rows datasets gives")
    func gzipped() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-hf-cache-\(UUID().uuidString)").path
        let located = try HubDatasetLocator(paths: HuggingFaceCachePaths(datasets: empty, hub: empty)).locate(path: Self.folder, config: nil)
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.folder + "/expected.json"))) as! [String: [[String: Any]]]
        #expect(Set(located.splitNames) == Set(expected.keys))
        for (split, rows) in expected {
            let files = try #require(located.files(split))
            #expect(files.allSatisfy { $0.compression == ".gz" })
            let records = try files.flatMap { try DataFileRecords.read($0) }
            #expect(records.count == rows.count, "\(split)")
            for (record, row) in zip(records, rows) {
                #expect(record.fields.map(\.0) == ["question", "answer", "n"])
                for (key, value) in record.fields {
                    switch value {
                    case .string(let text): #expect(row[key] as? String == text)
                    case .int(let number): #expect(row[key] as? Int == number)
                    default: Issue.record("\(key): \(value)")
                    }
                }
            }
        }
    }

    @Test("a damaged gzip file is one error naming it")
    func damaged() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/data/train.jsonl.gz"))
        bytes = bytes.prefix(bytes.count / 2)
        let path = dir.appendingPathComponent("train.jsonl.gz").path
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: TaskError.self) { try DataFileRecords.read(LocatedDataFile(path: path, format: .json, compression: ".gz")) }
        do {
            _ = try DataFileRecords.read(LocatedDataFile(path: path, format: .json, compression: ".gz"))
        } catch {
            #expect(error.place == path)
            #expect(error.message.contains("gzip"), "\(error.message)")
        }
    }
}
