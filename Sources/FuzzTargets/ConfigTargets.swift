import Config
import Foundation

/// The configuration engine: overrides as typed, YAML files, composition with defaults lists,
/// and `${...}` interpolation.
enum ConfigTargets {
    /// Each line one override, parsed and, for sweeps, expanded.
    static func overrides(_ data: [UInt8]) {
        guard let input = text(data) else { return }
        for line in input.split(separator: "\n", omittingEmptySubsequences: true).prefix(16) {
            shaped("overrides") {
                let override = try OverrideParser.parse(String(line))
                if override.isSweep { _ = try SweepExpander.expand([override], repository: repository) }
            }
        }
    }

    /// A YAML file: loaded, printed back, decoded as a run config.
    static func yaml(_ data: [UInt8]) {
        guard let input = text(data) else { return }
        shaped("yaml") {
            let node = try YAMLLoader.load(input, file: "fuzz.yaml")
            let printed = YAMLEmitter().emit(node)
            _ = try? YAMLLoader.load(printed, file: "printed.yaml")
            _ = try ConfigDecoder().decode(RunConfig.self, from: node)
        }
    }

    /// The input as the primary config of a small tree (two groups), composed with overrides
    /// from its last line when that starts with `#!`.
    static func compose(_ data: [UInt8]) {
        guard let input = text(data) else { return }
        var lines = input.split(separator: "\n", omittingEmptySubsequences: false)
        var overrides: [String] = []
        if let last = lines.last, last.hasPrefix("#!") {
            overrides = last.dropFirst(2).split(separator: " ").map(String.init)
            lines.removeLast()
        }
        _ = FileManager.default.createFile(atPath: tree + "/config.yaml", contents: Data(lines.joined(separator: "\n").utf8))
        shaped("compose") {
            let parsed = try overrides.prefix(8).map { (o) throws(ConfigError) in try OverrideParser.parse(o) }
            let composer = Composer(repository: repository, configName: "config")
            let composition = try composer.compose(overrides: parsed)
            var resolver = Resolver(root: composition.config, environment: { _ in nil }, now: { 0 })
            _ = try resolver.resolveAll()
        }
    }

    /// A YAML tree, every interpolation resolved (environment variables are never read).
    static func interpolation(_ data: [UInt8]) {
        guard let input = text(data) else { return }
        shaped("interpolation") {
            let node = try YAMLLoader.load(input, file: "fuzz.yaml")
            var resolver = Resolver(root: node, environment: { $0 == "HOME" ? "/home/fuzz" : nil }, now: { 0 })
            _ = try resolver.resolveAll()
        }
    }

    /// A fixed tree: `config.yaml` is rewritten per input; groups `db` and `server` stay.
    static let tree: String = {
        let root = scratch + "/conf"
        for (path, text) in [
            "db/mysql.yaml": "driver: mysql\nport: 3306\n",
            "db/postgres.yaml": "# @package _group_\ndriver: postgres\nport: 5432\n",
            "server/apache.yaml": "defaults:\n  - /db: mysql\nname: apache\n",
            "server/nginx.yaml": "name: nginx\nport: ${db.port}\n",
            "config.yaml": "defaults:\n  - db: mysql\n  - _self_\n",
        ] {
            let file = root + "/" + path
            try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        }
        return root
    }()

    // The repository only reads files (ConfigRepository is a class without Sendable).
    nonisolated(unsafe) static let repository = ConfigRepository(searchPath: [tree])
}
