import Foundation

/// Headless chromium for the tests of report.html (the report's own and the runner's).
public struct Chromium: Sendable {
    public struct Failure: Error, CustomStringConvertible { public var description: String }

    /// `scripts/test.sh` installs chromium and sets this: then a missing browser fails the tests.
    public static let isRequired = ProcessInfo.processInfo.environment["RUNNER_TEST_BROWSER"] == "1"
    public static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    let executable: String

    public static func require() throws -> Chromium {
        guard let path else { throw Failure(description: "RUNNER_TEST_BROWSER=1 but no chromium: apt-get install chromium") }
        return Chromium(executable: path)
    }

    private func run(_ arguments: [String]) async throws -> Data {
        // A fresh profile each time, no sandbox (tests may run as root), no GPU.
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let (status, data) = try await ToolProcess.run(URL(fileURLWithPath: executable), [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(profile.path)", "--window-size=1280,2000",
        ] + arguments)
        guard status == 0 else { throw Failure(description: "chromium \(arguments) exited \(status)") }
        return data
    }

    /// The page's DOM after its script ran.
    public func dumpDOM(_ file: String, hash: String? = nil) async throws -> String {
        String(decoding: try await run(["--dump-dom", "file://" + file + (hash.map { "#" + $0 } ?? "")]), as: UTF8.self)
    }

    /// Writes a PNG and returns its size in bytes.
    public func screenshot(_ file: String, to png: String) async throws -> Int {
        _ = try await run(["--screenshot=\(png)", "file://" + file])
        return (try FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
    }
}
