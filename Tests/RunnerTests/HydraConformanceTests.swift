import TestSupport
import Foundation
import Testing

/// One recorded case: a config tree, a command line, and what hydra-core 1.3.8 printed
/// (see Fixtures/hydra/README.md for how they were recorded).
struct HydraCase: CustomTestStringConvertible, Sendable {
    let name: String
    var directory: URL { RunnerProcess.fixtures.appendingPathComponent("hydra/\(name)") }
    var testDescription: String { name }

    static let all: [HydraCase] = {
        let root = RunnerProcess.fixtures.appendingPathComponent("hydra")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/args").path) }
            .map(HydraCase.init(name:))
    }()

    static var succeeding: [HydraCase] { all.filter { $0.has("expected.yaml") && !knownDifferences.keys.contains($0.name) } }
    static var failing: [HydraCase] { all.filter { $0.has("expected.error") && !knownDifferences.keys.contains($0.name) } }

    /// Cases where we knowingly differ from Hydra, and why.
    static let knownDifferences: [String: String] = [
        "yaml_int_keys_override_error": "a YAML int key 1 and the override key '1' are the same key for us (OmegaConf keeps them apart)",
        "override_group_relative_outside_back_in": "an option path that climbs out of the config tree is refused even when it climbs back in (Hydra accepts any path whose file exists)",
        "defaults_merge_dict_into_interpolation": "merging a mapping onto a value that is an interpolation replaces it; OmegaConf expands the interpolation first",
    ]

    func has(_ file: String) -> Bool { FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path) }
    func read(_ file: String) throws -> String { try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) }

    var arguments: [String] {
        get throws {
            var args = try read("args").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if args.last == "" { args.removeLast() }
            if (args.contains("-m") || args.contains("--multirun")) && !args.contains("--cfg") { args += ["--cfg", "job"] }
            return ["--config-path", directory.appendingPathComponent("conf").path] + args
        }
    }

    var environment: [String: String] {
        guard let text = try? read("env") else { return [:] }
        var env: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            env[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return env
    }

    func run() async throws -> RunnerResult {
        let scratch = try TemporaryDirectory()
        return try await RunnerProcess.run(try arguments, in: scratch.url, environment: environment)
    }
}

@Suite("Hydra conformance: runner --cfg job on recorded trees", .timeLimit(.minutes(10)))
struct HydraConformanceTests {
    @Test("prints exactly what Hydra printed", arguments: HydraCase.succeeding)
    func matchesHydraOutput(_ hydraCase: HydraCase) async throws {
        let result = try await hydraCase.run()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let expected = try hydraCase.read("expected.yaml")
        #expect(result.stdout == expected, "\(LineDiff.describe(expected: expected, actual: result.stdout))")
    }

    /// Hydra fails these; we must fail too, with one clear message. Our exact wording is kept
    /// in `runner.stderr` next to Hydra's (re-record with RECORD_SNAPSHOTS=1).
    @Test("fails where Hydra fails, with one error and a hint", arguments: HydraCase.failing)
    func failsLikeHydra(_ hydraCase: HydraCase) async throws {
        let result = try await hydraCase.run()
        expectUserError(result)
        let scratchFree = result.stderr.replacingOccurrences(of: hydraCase.directory.appendingPathComponent("conf").path, with: "$CONF")
        let snapshot = hydraCase.directory.appendingPathComponent("runner.stderr")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try scratchFree.write(to: snapshot, atomically: true, encoding: .utf8)
        } else {
            let expected = try String(contentsOf: snapshot, encoding: .utf8)
            #expect(scratchFree == expected, "\(LineDiff.describe(expected: expected, actual: scratchFree))")
        }
    }

    @Test("every recorded case is either checked or listed as a known difference")
    func casesAreAccountedFor() {
        #expect(HydraCase.all.count >= 120)
        let special: Set<String> = ["help_output", "info_defaults"]
        for c in HydraCase.all where !special.contains(c.name) {
            let covered = HydraCase.succeeding.contains { $0.name == c.name } || HydraCase.failing.contains { $0.name == c.name }
                || HydraCase.knownDifferences[c.name] != nil
            #expect(covered, "case \(c.name) is not checked")
        }
    }
}

/// A readable line diff for failed comparisons.
enum LineDiff {
    static func describe(expected: String, actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out = ["output differs:"]
        for i in 0..<max(e.count, a.count) {
            let el = i < e.count ? String(e[i]) : "<none>"
            let al = i < a.count ? String(a[i]) : "<none>"
            out.append(el == al ? "  \(el)" : "- \(el)\n+ \(al)")
        }
        return out.joined(separator: "\n")
    }
}
