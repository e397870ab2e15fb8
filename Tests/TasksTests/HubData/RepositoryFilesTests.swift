import Foundation
import Testing
@testable import Tasks

@Suite("dataset folder listing")
struct RepositoryFilesTests {
    @Test("links that loop or branch back to a folder list it once, and the walk ends", .timeLimit(.minutes(1)))
    func loops() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("repo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/data/sub", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: root + "/data/train.jsonl", contents: Data("{}\n".utf8))
        FileManager.default.createFile(atPath: root + "/data/sub/test.jsonl", contents: Data("{}\n".utf8))
        // Two links back up in each folder: walked blindly these branch 2^64 ways.
        for folder in ["data", "data/sub"] {
            try FileManager.default.createSymbolicLink(atPath: root + "/\(folder)/up1", withDestinationPath: "..")
            try FileManager.default.createSymbolicLink(atPath: root + "/\(folder)/up2", withDestinationPath: "..")
        }
        #expect(try RepositoryFiles.list(root) == ["data/sub/test.jsonl", "data/train.jsonl"])
    }
}
