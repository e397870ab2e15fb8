import TestSupport
import Foundation
import Testing

/// `runner lm-eval list`: lm-eval's listing of task folders, against what lm-eval 0.4.13 itself
/// printed for the same folders (`TasksTests/Fixtures/LMEvalIndex/record_listing.py`).
@Suite("runner lm-eval list", .timeLimit(.minutes(2)))
struct LMEvalListCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TasksTests/Fixtures/LMEvalIndex")

    @Test("the listing is lm-eval's, byte for byte: groups, tags, tasks with config location and output type")
    func sameAsLMEval() async throws {
        let cache = try TemporaryDirectory()
        let expected = try String(contentsOf: Self.fixtures.appendingPathComponent("listing.md"), encoding: .utf8)
        let listed = try await RunnerProcess.run(["lm-eval", "list", "--no-library", "--include-path", "library", "--include-path", "include"],
                                           in: Self.fixtures, environment: ["XDG_CACHE_HOME": cache.url.path])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout == expected)
        // Again, from the cache.
        let again = try await RunnerProcess.run(["lm-eval", "list", "--no-library", "--include-path", "library", "--include-path", "include"],
                                          in: Self.fixtures, environment: ["XDG_CACHE_HOME": cache.url.path])
        #expect(again.stdout == expected)
    }

    @Test("a pattern is a glob or a part of the name; --library is the library, include paths win over it")
    func patterns() async throws {
        let cache = try TemporaryDirectory()
        let environment = ["XDG_CACHE_HOME": cache.url.path]
        let glob = try await RunnerProcess.run(["lm-eval", "list", "arc_*", "--library", "library"], in: Self.fixtures, environment: environment)
        #expect(glob.status == 0, "\(glob.stderr)")
        #expect(glob.stdout.contains("|arc_easy ") && glob.stdout.contains("|arc_challenge ") && !glob.stdout.contains("ai2_arc"))
        let part = try await RunnerProcess.run(["lm-eval", "list", "swag", "--tasks", "--library", "library", "--include-path=include"],
                                         in: Self.fixtures, environment: environment)
        #expect(part.stdout.contains("|hellaswag|include/my_hellaswag.yaml|generate_until|"), "\(part.stdout)")
        #expect(!part.stdout.contains("Group"))
    }

    @Test("a missing library or folder, and a bad command, are one error each with a hint")
    func errors() async throws {
        let missing = try await RunnerProcess.run(["lm-eval", "list", "--library", "/nonexistent/lm_eval/tasks"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/lm_eval/tasks") && missing.stderr.contains("hint:"), "\(missing.stderr)")
        let noPython = try await RunnerProcess.run(["lm-eval", "list", "--python", "/nonexistent/bin/python"])
        #expect(noPython.status != 0 && noPython.stderr.contains("task library not found") && noPython.stderr.contains("hint:"), "\(noPython.stderr)")
        let unknown = try await RunnerProcess.run(["lm-eval", "frobnicate"])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown subcommand"))
        #expect(try await RunnerProcess.run(["lm-eval", "--help"]).stdout.contains("runner lm-eval list [PATTERN]"))
        #expect(try await RunnerProcess.run(["--help"]).stdout.contains("runner lm-eval list"))
    }
}
