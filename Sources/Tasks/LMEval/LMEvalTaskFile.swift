import Config
import Foundation
import Models

/// An lm-evaluation-harness task YAML, read as lm-eval reads it: `include` files first (each
/// path relative to the file that names it, nested includes too, later ones overriding
/// earlier ones), then the file's own keys, merged key by key at the top level only.
///
/// Every value keeps its file and line, so a problem found later names the place.
enum LMEvalTaskFile {
    /// The merged top-level keys of the file at `path`.
    ///
    /// - Throws: ``TaskError`` naming the file (and line) for a missing or unreadable file, bad
    ///   YAML, an include cycle, or a top level that is not a mapping.
    static func load(_ path: String) throws(TaskError) -> ConfigMapping {
        try load(path, chain: [])
    }

    private static func load(_ path: String, chain: [String]) throws(TaskError) -> ConfigMapping {
        let canonical = URL(fileURLWithPath: path).standardizedFileURL.path
        if chain.contains(canonical) {
            throw TaskError("include cycle: \((chain + [canonical]).joined(separator: " -> "))", at: path,
                            hint: "a file cannot include itself, directly or through another file")
        }
        guard chain.count < 32 else { throw TaskError("includes nest more than 32 deep", at: path) }
        guard FileSystem.isFile(path) else {
            throw TaskError("task file not found", at: path,
                            hint: chain.isEmpty ? "task.path is read from the folder runner is started in (\(FileSystem.currentDirectory()))"
                                : "an include is relative to the file that names it (\(chain.last!))")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(validating: data, as: UTF8.self) else {
            throw TaskError("task file cannot be read as UTF-8 text", at: path, hint: "check the file's permissions and encoding")
        }
        let root: ConfigNode
        do {
            // PyYAML keeps the last of a repeated key, and lm-eval's library has such files.
            root = try YAMLLoader.load(text, file: path, lastKeyWins: true, keepingFunctionTags: true)
        } catch {
            throw TaskError(error)
        }
        guard var own = root.mapping else {
            if case .null = root.value { return ConfigMapping() }
            throw TaskError("a task file must be a mapping of keys (task:, dataset_path:, ...), not \(root.kindDescription)", at: path)
        }
        guard let includeNode = own.removeValue(forKey: "include") else { return own }
        var includes: [ConfigNode] = []
        switch includeNode.value {
        case .string: includes = [includeNode]
        case .sequence(let items): includes = items
        case .null: break
        default:
            throw TaskError("'include' must be a file name or a list of them", at: place(includeNode, "include"))
        }
        var merged = ConfigMapping()
        let folder = (path as NSString).deletingLastPathComponent
        for include in includes {
            guard let name = include.string, !name.isEmpty else {
                throw TaskError("'include' must be a file name or a list of them", at: place(include, "include"))
            }
            let target = name.hasPrefix("/") ? name : (folder.isEmpty ? name : folder + "/" + name)
            var included = try load(target, chain: chain + [canonical])
            included.removeValue(forKey: "task_list")
            for (key, value) in included { merged[key] = value }
        }
        for (key, value) in own { merged[key] = value }
        return merged
    }

    /// `file:line:col (key)` for a value, the place errors name.
    static func place(_ node: ConfigNode, _ key: String) -> String {
        guard let location = node.location else { return key }
        if location.override != nil { return "\(location) (\(key))" }
        return "\(location) (\(key))"
    }
}

extension TaskError {
    /// A config error (bad YAML, a `!function` tag) as a task error at the same place.
    init(_ error: ConfigError) {
        let place = error.location.map(\.description)
        self.init(error.message + (error.snippet.map { "\n" + $0 } ?? ""), at: place, hint: error.hint)
    }
}
