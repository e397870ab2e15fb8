import Foundation
import Models

/// The Arrow files `datasets` prepared when a dataset was loaded online, found as the `cache`
/// builder finds them offline (`packaged_modules/cache/cache.py` `_find_hash_in_cache`):
///
/// `<cache>/<org>___<snake_case(name)>/<config_id>/<version>/<hash>/` holding
/// `dataset_info.json` and `<snake_case(name)>-<split>.arrow` or
/// `<snake_case(name)>-<split>-NNNNN-of-NNNNN.arrow` (`naming.filenames_for_dataset_split`).
/// The org is kept as written; the name goes through `camelcase_to_snakecase` (`MMLU-Pro` →
/// `mmlu-pro`, `HellaSwag` → `hella_swag`). For a Hub dataset `<version>` is `0.0.0` and
/// `<hash>` is the commit.
///
/// A folder counts only when its `dataset_info.json` names the folder's config (`config_id`s
/// like `default-1a2b…` that `data_files`/`data_dir` arguments produce are skipped). Among
/// several, the most recently modified wins, unless `revision` names one of the hashes. With no
/// config named, other configs prepared at the same version and hash make it ambiguous.
public struct DatasetsArrowCache: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// `<root>/<org>___<snake_case(name)>`.
    public func datasetFolder(_ repo: String) -> String {
        var parts = repo.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let last = parts.last { parts[parts.count - 1] = Self.snakeCase(last) }
        return root + "/" + parts.joined(separator: "___")
    }

    /// The prepared split files of `repo`'s config, or nil when none is cached.
    /// - Throws: ``TaskError`` when no config is named and several are cached at the newest
    ///   hash, or when `dataset_info.json` is unreadable.
    public func locate(repo: String, config: String?, revision: String? = nil) throws(TaskError) -> LocatedDataset? {
        let base = datasetFolder(repo)
        let fm = FileManager.default
        var candidates: [(folder: String, config: String, version: String, hash: String, modified: Date)] = []
        let configs = config.map { [$0] } ?? ((try? fm.contentsOfDirectory(atPath: base)) ?? []).sorted()
        for name in configs {
            for version in ((try? fm.contentsOfDirectory(atPath: base + "/" + name)) ?? []).sorted() {
                for hash in ((try? fm.contentsOfDirectory(atPath: "\(base)/\(name)/\(version)")) ?? []).sorted() {
                    let folder = "\(base)/\(name)/\(version)/\(hash)"
                    var isFolder: ObjCBool = false
                    guard fm.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue,
                          Self.infoConfigName(folder) == name else { continue }
                    let modified = (try? fm.attributesOfItem(atPath: folder)[.modificationDate] as? Date) ?? .distantPast
                    candidates.append((folder, name, version, hash, modified))
                }
            }
        }
        guard !candidates.isEmpty else { return nil }
        var chosen = candidates.max { $0.modified < $1.modified }!
        if let revision, let exact = candidates.first(where: { $0.hash == revision }) { chosen = exact }
        if config == nil {
            let others = candidates.filter { $0.version == chosen.version && $0.hash == chosen.hash }.map(\.config)
            if others.count > 1 {
                throw TaskError("the datasets cache holds several configs of \(repo) and the task names none: \(others.joined(separator: ", "))",
                                at: base, hint: "set dataset_name to one of them")
            }
        }
        let info = try Self.readInfo(chosen.folder)
        let prefix = Self.snakeCase(String(repo.split(separator: "/").last ?? Substring(repo)))
        var splits: [(split: String, files: [LocatedDataFile])] = []
        for (split, shards) in info.splits {
            let names = shards > 1
                ? (0..<shards).map { String(format: "%@-%@-%05d-of-%05d.arrow", prefix, split, $0, shards) }
                : ["\(prefix)-\(split).arrow"]
            splits.append((split, names.map { LocatedDataFile(path: chosen.folder + "/" + $0, format: .arrow) }))
        }
        return LocatedDataset(source: .datasetsCache(folder: chosen.folder), config: chosen.config, splits: splits, features: info.features)
    }

    /// The config names cached for `repo` (folders whose info names them), for error messages.
    public func cachedConfigs(repo: String) -> [String] {
        let base = datasetFolder(repo)
        let fm = FileManager.default
        return ((try? fm.contentsOfDirectory(atPath: base)) ?? []).sorted().filter { name in
            ((try? fm.contentsOfDirectory(atPath: base + "/" + name)) ?? []).contains { version in
                ((try? fm.contentsOfDirectory(atPath: "\(base)/\(name)/\(version)")) ?? []).contains { Self.infoConfigName("\(base)/\(name)/\(version)/\($0)") == name }
            }
        }
    }

    /// `dataset_info.json`'s `config_name`, nil when absent or unreadable.
    static func infoConfigName(_ folder: String) -> String? {
        guard let data = FileManager.default.contents(atPath: folder + "/dataset_info.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["config_name"] as? String
    }

    /// The splits (in the file's order, with their shard counts) and features of a prepared folder.
    static func readInfo(_ folder: String) throws(TaskError) -> (splits: [(String, Int)], features: String?) {
        let path = folder + "/dataset_info.json"
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw TaskError("dataset_info.json cannot be read", at: path)
        }
        guard let object = try? PythonJSON.parse(Substring(text)) else {
            throw TaskError("dataset_info.json is not valid JSON", at: path)
        }
        var splits: [(String, Int)] = []
        if case .object(let pairs) = object["splits"] {
            for (key, value) in pairs {
                let name: String
                if case .string(let n) = value["name"] { name = n } else { name = key }
                var shards = 1
                if case .array(let lengths) = value["shard_lengths"] { shards = max(1, lengths.count) }
                splits.append((name, shards))
            }
        }
        guard !splits.isEmpty else { throw TaskError("dataset_info.json lists no splits", at: path) }
        return (splits, featuresJSON(object["features"]))
    }

    /// The top-level `"features"` value as JSON text (Python's `json.dumps` spacing, the file's key
    /// order), if present. Written from the value already parsed: parsing the file a second time
    /// with Foundation and re-encoding it was a fifth of opening an MMLU subject.
    private static func featuresJSON(_ features: TemplateValue) -> String? {
        switch features {
        case .none, .undefined: return nil
        default: return JSONText.dump(features, indent: nil)
        }
    }

    /// `naming.camelcase_to_snakecase`: `([A-Z]+)([A-Z][a-z])` → `\1_\2`, then
    /// `([a-z\d])([A-Z])` → `\1_\2`, then lowercase.
    public static func snakeCase(_ name: String) -> String {
        var chars = Array(name)
        func isUpper(_ c: Character) -> Bool { c.isASCII && c.isUppercase }
        func isLower(_ c: Character) -> Bool { c.isASCII && c.isLowercase }
        // First rule: an uppercase run followed by Upper+lower splits before the last upper.
        var out: [Character] = []
        var i = 0
        while i < chars.count {
            out.append(chars[i])
            if i + 2 < chars.count, isUpper(chars[i]), isUpper(chars[i + 1]), isLower(chars[i + 2]) { out.append("_") }
            i += 1
        }
        chars = out
        out = []
        for (index, c) in chars.enumerated() {
            out.append(c)
            if index + 1 < chars.count, isLower(c) || c.isASCII && c.isNumber, isUpper(chars[index + 1]) { out.append("_") }
        }
        return String(out).lowercased()
    }
}
