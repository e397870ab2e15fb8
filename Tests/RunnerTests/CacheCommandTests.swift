import Foundation
import Models
import Response
import TestSupport
import Testing

/// `runner cache`: a cache's contents by model, and copies between SQLite and PostgreSQL.
@Suite("runner cache", .timeLimit(.minutes(2)))
struct CacheCommandTests {
    @Test("answers copied from SQLite into PostgreSQL and back are the same answers under the same keys")
    func copyRoundTrip() async throws {
        let database = try PostgresServer()
        defer { database.stop() }
        let folderFolder = try TemporaryDirectory("cache-cmd")
        let folder = folderFolder.url
        let laptop = folder.appendingPathComponent("laptop.sqlite").path, back = folder.appendingPathComponent("back.sqlite").path
        let source = try ResponseCache(path: laptop)
        var keys: [String] = []
        for i in 0..<25 {
            let request = ModelRequest.generate(GenerationRequest(prompt: .text("question \(i)")))
            let answer = ModelAnswer.generation(Generation(text: "answer \(i) \"quoted\" é", usage: TokenUsage(promptTokens: 10, completionTokens: i)))
            let key = "key-\(i)"
            try source.store(answer, forKey: key, modelDict: ["model": .string(i < 20 ? "a" : "b")], request: request, latency: .milliseconds(i))
            keys.append(key)
        }
        let shown = try await RunnerProcess.run(["cache", laptop])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("25 answers, 0 claims"))
        #expect(shown.stdout.contains("        20          200          190"), "\(shown.stdout)")
        let up = try await RunnerProcess.run(["cache", "copy", laptop, database.url])
        #expect(up.status == 0 && up.stdout.contains("copied 25 of 25"), "\(up.stdout)\(up.stderr)")
        let again = try await RunnerProcess.run(["cache", "copy", laptop, database.url])
        #expect(again.stdout.contains("copied 0 of 25") && again.stdout.contains("25 were there already"))
        let down = try await RunnerProcess.run(["cache", "copy", database.url, back])
        #expect(down.status == 0 && down.stdout.contains("copied 25 of 25"))
        let original = try source.answers(forKeys: keys)
        #expect(original.count == 25)
        #expect(try ResponseCache(path: back).answers(forKeys: keys) == original)
        #expect(try PostgresResponseCache(url: database.url).answers(forKeys: keys) == original)
    }

    @Test("only postgresql:// and postgres:// name a server: a file called postgres.sqlite is a file")
    func fileNamedLikeTheServer() async throws {
        let folder = try TemporaryDirectory()
        let source = try ResponseCache(path: folder.url.appendingPathComponent("source.sqlite").path)
        try source.store(.generation(Generation(text: "A")), forKey: "k", modelDict: ["m": "x"],
                         request: .generate(GenerationRequest(prompt: .text("q"))), latency: .zero)
        let copied = try await RunnerProcess.run(["cache", "copy", "source.sqlite", "postgres.sqlite"], in: folder.url)
        #expect(copied.status == 0 && copied.stdout.contains("copied 1 of 1"), "\(copied.stdout)\(copied.stderr)")
        let shown = try await RunnerProcess.run(["cache", "postgres.sqlite"], in: folder.url)
        #expect(shown.status == 0 && shown.stdout.contains("postgres.sqlite: 1 answers"), "\(shown.stdout)\(shown.stderr)")
    }

    @Test("a missing cache and a malformed command are one error each, with a hint")
    func errors() async throws {
        let missing = try await RunnerProcess.run(["cache", "/nonexistent/responses.sqlite"])
        #expect(missing.status == 1 && missing.stderr.contains("no response cache at /nonexistent/responses.sqlite") && missing.stderr.contains("hint:"))
        let usage = try await RunnerProcess.run(["cache", "copy", "only-one"])
        #expect(usage.status == 2 && usage.stderr.contains("copy needs FROM and TO"))
        #expect(try await RunnerProcess.run(["cache", "--help"]).stdout.contains("runner cache copy FROM TO"))
    }
}
