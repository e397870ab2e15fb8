import Foundation
import Testing
@testable import Config

/// A config tree written to a fresh temporary folder, composed in process.
final class ConfigTree {
    let root: URL

    init(_ files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("config-tests-\(UUID().uuidString)")
        for (path, text) in files {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var repository: ConfigRepository { ConfigRepository(searchPath: [root.path]) }

    func compose(_ overrides: [String], configName: String? = "config") throws -> Composition {
        let parsed = try overrides.map { try OverrideParser.parse($0) }
        return try Composer(repository: repository, configName: configName).compose(overrides: parsed)
    }

    /// The composed job config as `--cfg job` prints it.
    func yaml(_ overrides: [String] = [], configName: String? = "config") throws -> String {
        YAMLEmitter().emit(try compose(overrides, configName: configName).config)
    }

    /// The error composing throws; fails the test when composing succeeds.
    func error(_ overrides: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ConfigError? {
        configError(sourceLocation: sourceLocation) { _ = try compose(overrides) }
    }
}

/// Parses a YAML snippet into a node.
func node(_ yaml: String) throws -> ConfigNode {
    try YAMLLoader.load(yaml, file: "test.yaml")
}

/// The ``ConfigError`` `body` throws; records an issue when it throws nothing or something else.
func configError(sourceLocation: Testing.SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> ConfigError? {
    do {
        try body()
        Issue.record("expected a ConfigError", sourceLocation: sourceLocation)
        return nil
    } catch let error as ConfigError {
        return error
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
