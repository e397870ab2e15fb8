import Foundation
import TestSupport
import Testing
@testable import Tasks

/// The run's files are whole or absent: results.json is replaced by rename, samples.jsonl holds
/// whole lines only (issue 25, section 3).
@Suite("Writing the run's files")
struct FileWritingTests {
    let temporary: TemporaryDirectory
    var folder: URL { temporary.url }

    init() throws { temporary = try TemporaryDirectory("file-writing") }

    @Test("when the new copy cannot be written, the fallback replaces the old file in place: never 'running' left behind")
    func fallback() throws {
        let path = folder.appendingPathComponent("results.json").path
        try FileWriting.writeAtomically("{\"status\": \"running\"}", to: path)
        // The temporary copy's name is taken by a folder: the atomic write fails as on a full disk.
        try FileManager.default.createDirectory(atPath: path + ".tmp-\(getpid())", withIntermediateDirectories: false)
        #expect(throws: TaskError.self) {
            try FileWriting.writeAtomically("{\"status\": \"completed\"}", to: path, fallback: "{\"status\": \"failed\"}")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"status\": \"failed\"}")
    }

    @Test("a torn last line is cut off when the file is opened again; whole lines stay")
    func tornLine() throws {
        let path = folder.appendingPathComponent("samples.jsonl").path
        try Data("{\"id\":1}\n{\"id\":2}\n{\"id\":3,\"raw".utf8).write(to: URL(fileURLWithPath: path))
        let appender = try LineAppender(path: path)
        appender.append("{\"id\":4}")
        try appender.check()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"id\":1}\n{\"id\":2}\n{\"id\":4}\n")
        try Data("no newline at all".utf8).write(to: URL(fileURLWithPath: path))
        _ = try LineAppender(path: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "")
    }
}
