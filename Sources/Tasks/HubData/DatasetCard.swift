import Config
import Foundation
import Models

/// The YAML front matter of a dataset's README.md, as far as loading goes: the `configs:` list
/// (`datasets/utils/metadata.py` `MetadataConfigs`) and the `dataset_info:` features.
///
/// ```yaml
/// configs:
/// - config_name: ARC-Challenge
///   data_files:
///   - split: train
///     path: ARC-Challenge/train-*
/// ```
///
/// `data_files` is a string, a list of strings (all `train`), or a list of `{split, path}`
/// with `path` a string or a list; `default: true` marks the default config; `data_dir` is the
/// folder the patterns are relative to; other keys (`sep`, `features`, ...) are kept.
public struct DatasetCard: Sendable {
    /// One entry of `configs:`.
    public struct Config: Sendable {
        public var name: String
        /// Split name to patterns, in the card's order; nil when the config names none (then
        /// the files are inferred under `dataDir`).
        public var dataFiles: [(split: String, patterns: [String])]?
        public var dataDir: String?
        public var isDefault: Bool
        /// Every other key, as written.
        public var extra: ConfigMapping
    }

    public var configs: [Config]
    /// `dataset_info:` features by config name (`default` for an unnamed one), as JSON text.
    public var features: [String: String]

    /// The config `load_dataset` uses when none is named: the only one, the one named
    /// `default`, or the one with `default: true` (`get_default_config_name`).
    /// - Throws: when several qualify.
    public func defaultConfigName(file: String) throws(TaskError) -> String? {
        var found: String?
        for config in configs where configs.count == 1 || config.name == "default" || config.isDefault {
            if let found { throw TaskError("the dataset card has several default configs: '\(found)' and '\(config.name)'", at: file) }
            found = config.name
        }
        return found
    }

    /// The card of a README.md's text; no front matter is an empty card.
    /// - Throws: ``TaskError`` at `file` for YAML that does not parse or a `configs:` entry
    ///   `datasets` would refuse.
    public static func parse(_ text: String, file: String) throws(TaskError) -> DatasetCard {
        guard let yaml = frontMatter(text) else { return DatasetCard(configs: [], features: [:]) }
        let root: ConfigNode
        do { root = try YAMLLoader.load(yaml, file: file) } catch {
            throw TaskError("the README.md front matter is not valid YAML: \(error.message)", at: file)
        }
        guard let top = root.mapping else { return DatasetCard(configs: [], features: [:]) }
        var configs: [Config] = []
        if let list = top["configs"], !isEmpty(list) {
            guard let entries = list.sequence else { throw TaskError("configs: is \(list.kindDescription), not a list", at: file) }
            var seen = Set<String>()
            for entry in entries {
                let config = try parseConfig(entry, file: file)
                // A later entry with the same name replaces the earlier one (a dict in Python).
                if !seen.insert(config.name).inserted { configs.removeAll { $0.name == config.name } }
                configs.append(config)
            }
        }
        var features: [String: String] = [:]
        if let info = top["dataset_info"] {
            for item in info.sequence ?? [info] {
                guard let map = item.mapping, let featureNode = map["features"] else { continue }
                features[map["config_name"]?.string ?? "default"] = YAMLAsJSON.of(featureNode)
            }
        }
        return DatasetCard(configs: configs, features: features)
    }

    /// The YAML between a leading `---` line and the next `---` line (huggingface_hub's
    /// `REGEX_YAML_BLOCK`: leading whitespace allowed).
    static func frontMatter(_ text: String) -> String? {
        var body = Substring(text)
        while let first = body.first, first.isWhitespace, first != "-" { body = body.dropFirst() }
        guard body.hasPrefix("---") else { return nil }
        body = body.dropFirst(3)
        guard let first = body.first, first == "\n" || first == "\r" || first == "\r\n" else { return nil }
        var lines: [Substring] = []
        for line in body.split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
            let bare = line.hasSuffix("\r") ? line.dropLast() : line
            if bare == "---" { return lines.joined(separator: "\n") }
            lines.append(bare)
        }
        return nil
    }

    private static func isEmpty(_ node: ConfigNode) -> Bool {
        switch node.value {
        case .null: return true
        case .sequence(let items): return items.isEmpty
        case .mapping(let map): return map.isEmpty
        case .string(let s): return s.isEmpty
        default: return false
        }
    }

    private static func parseConfig(_ node: ConfigNode, file: String) throws(TaskError) -> Config {
        guard let map = node.mapping else { throw TaskError("a configs: entry is \(node.kindDescription), not a mapping", at: file) }
        guard let nameNode = map["config_name"] else {
            throw TaskError("a configs: entry has no config_name", at: file, hint: "each config must include `config_name` with a string name")
        }
        let name = scalarText(nameNode) ?? ""
        var dataFiles: [(split: String, patterns: [String])]?
        if let files = map["data_files"], case .null = files.value {} else if let files = map["data_files"] {
            dataFiles = try sanitize(files, config: name, file: file)
        }
        let dataDir = map["data_dir"].flatMap(scalarText)
        let isDefault = map["default"].map(truthy) ?? false
        var extra = map
        for key in ["config_name", "data_files", "data_dir", "default"] { extra.removeValue(forKey: key) }
        return Config(name: name, dataFiles: dataFiles, dataDir: dataDir, isDefault: isDefault, extra: extra)
    }

    /// `sanitize_patterns` over the YAML value.
    static func sanitize(_ node: ConfigNode, config: String, file: String) throws(TaskError) -> [(split: String, patterns: [String])] {
        let invalid = TaskError("config '\(config)': data_files must be a string, a list of strings, or a list of {split, path}",
                                at: file, hint: "e.g. data_files: [{split: train, path: train/*}]")
        switch node.value {
        case .string(let s): return [("train", [s])]
        case .sequence(let items):
            if !items.contains(where: { $0.mapping != nil }) {
                var patterns: [String] = []
                for item in items {
                    guard let text = scalarText(item) else { throw invalid }
                    patterns.append(text)
                }
                return [("train", patterns)]
            }
            var result: [(split: String, patterns: [String])] = []
            for item in items {
                guard let entry = item.mapping, entry.count == 2, let split = entry["split"].flatMap(scalarText), let path = entry["path"] else { throw invalid }
                let patterns: [String]
                if let text = path.string { patterns = [text] } else if let list = path.sequence {
                    var texts: [String] = []
                    for p in list {
                        guard let text = scalarText(p) else { throw invalid }
                        texts.append(text)
                    }
                    patterns = texts
                } else { throw invalid }
                if result.contains(where: { $0.split == split }) {
                    throw TaskError("config '\(config)': split '\(split)' appears twice in data_files", at: file)
                }
                result.append((split, patterns))
            }
            return result
        case .mapping(let map):
            var result: [(split: String, patterns: [String])] = []
            for (split, value) in map {
                if let text = scalarText(value) { result.append((split, [text])) } else if let list = value.sequence {
                    var texts: [String] = []
                    for p in list {
                        guard let text = scalarText(p) else { throw invalid }
                        texts.append(text)
                    }
                    result.append((split, texts))
                } else { throw invalid }
            }
            return result
        default: throw invalid
        }
    }

    /// A scalar as Python's `str()` of it (YAML `1` as `1`), nil for containers.
    static func scalarText(_ node: ConfigNode) -> String? {
        switch node.value {
        case .string(let s): return s
        case .int, .bigInt, .double, .bool: return ConfigValueText.text(node.value)
        default: return nil
        }
    }

    private static func truthy(_ node: ConfigNode) -> Bool {
        switch node.value {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .string(let s): return !s.isEmpty
        case .null: return false
        default: return true
        }
    }
}

/// A YAML node as compact JSON text (for features kept as they are written).
enum YAMLAsJSON {
    static func of(_ node: ConfigNode) -> String {
        switch node.value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .bigInt(let s): return s
        case .double(let d): return d.isFinite ? ConfigValueText.text(node.value) : "null"
        case .string(let s): return quote(s)
        case .sequence(let items): return "[" + items.map(of).joined(separator: ",") + "]"
        case .mapping(let map): return "{" + map.map { quote($0.key) + ":" + of($0.value) }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal, as the rest of the runner writes one.
    static func quote(_ s: String) -> String { JSONValue.string(s).canonicalString }
}
