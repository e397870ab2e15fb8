import Config

/// Which files of a dataset folder (a hub snapshot or a local folder) make each split of one
/// config, by the rules of `datasets` 5.2 (`load.py` `LocalDatasetModuleFactory`,
/// `data_files.py`, `utils/metadata.py`):
///
/// 1. README.md's `configs:` (``DatasetCard``), each config's `data_files` relative to its
///    `data_dir`; without `data_files`, inference under `data_dir`.
/// 2. Without `configs:`, one config `default` whose splits are inferred from file names
///    (``inferPatterns(_:)``).
/// 3. `data_dir` / `data_files` from the task (lm-eval's `dataset_kwargs`) replace the config's:
///    `data_files` relative to `data_dir` (or the root), else inference under `data_dir`.
///
/// Files are filtered to data-file extensions, then to the one builder the config's files
/// infer (the most common extension; parquet wins a draw), as `datasets` does. Within a split,
/// each pattern's matches are sorted and appended in pattern order.
public struct DataFilesResolver: Sendable {
    /// The folder the files are in (absolute or relative to the working directory).
    public let root: String
    /// Every file under `root`, relative, sorted.
    public let files: [String]
    /// README.md's card (empty without one).
    public let card: DatasetCard
    /// Where the card came from, for errors.
    let cardFile: String

    /// Reads the folder's file list and README.md.
    public init(root: String) throws(TaskError) {
        let files = try RepositoryFiles.list(root)
        var card = DatasetCard(configs: [], features: [:])
        let readme = root + "/README.md"
        if files.contains("README.md"), let text = try? String(contentsOfFile: readme, encoding: .utf8) {
            card = try DatasetCard.parse(text, file: readme)
        }
        self.init(root: root, files: files, card: card, cardFile: readme)
    }

    /// A resolver over a given file list (tests, and callers that listed the folder already).
    public init(root: String, files: [String], card: DatasetCard, cardFile: String = "README.md") {
        self.root = root
        self.files = files.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        self.card = card
        self.cardFile = cardFile
    }

    /// The config names, in the card's order (`["default"]` without `configs:`).
    public var configNames: [String] { card.configs.isEmpty ? ["default"] : card.configs.map(\.name) }

    /// One config's splits.
    ///
    /// - Parameters:
    ///   - config: the config name; nil picks the default (the only one, `default`, or
    ///     `default: true`).
    ///   - dataDir: `dataset_kwargs.data_dir`.
    ///   - dataFiles: `dataset_kwargs.data_files`, split to patterns.
    /// - Throws: ``TaskError`` for an unknown config (listing the configs), a missing default,
    ///   a pattern without wildcards naming no file, splits of different formats, or no files.
    public func resolve(config: String?, dataDir: String? = nil,
                        dataFiles: [(split: String, patterns: [String])]? = nil) throws(TaskError) -> ResolvedDataFiles {
        let name: String
        var chosen: DatasetCard.Config?
        if let config {
            if card.configs.isEmpty {
                guard config == "default" else { throw unknownConfig(config) }
            } else {
                guard let found = card.configs.last(where: { $0.name == config }) else { throw unknownConfig(config) }
                chosen = found
            }
            name = config
        } else if card.configs.isEmpty {
            name = "default"
        } else {
            guard let fallback = try card.defaultConfigName(file: cardFile) else {
                throw TaskError("the dataset has several configs and the task names none (dataset_name)", at: root,
                                hint: "set dataset_name to one of: \(configNames.joined(separator: ", "))")
            }
            name = fallback
            chosen = card.configs.last { $0.name == fallback }
        }
        let base: String
        let patterns: [(split: String, patterns: [String])]
        if let dataFiles {
            base = dataDir ?? chosen?.dataDir ?? ""
            patterns = dataFiles
        } else if let dataDir {
            base = dataDir
            patterns = try inferred(under: dataDir)
        } else if let chosen, let files = chosen.dataFiles {
            base = chosen.dataDir ?? ""
            patterns = files
        } else {
            base = chosen?.dataDir ?? ""
            patterns = try inferred(under: base)
        }
        var splits: [(split: String, files: [String])] = []
        for (split, list) in patterns {
            var matched: [String] = []
            for pattern in list { matched += try resolvePattern(pattern, base: base) }
            splits.append((split, matched.filter(Self.hasDataExtension)))
        }
        let module = try inferModule(splits, config: name)
        let allowed = DataFileFormat.extensions(of: module)
        var located: [(split: String, files: [LocatedDataFile])] = []
        for (split, list) in splits {
            let kept = list.filter { Self.hasExtension($0, allowed) }
            located.append((split, kept.map { LocatedDataFile(path: join(root, $0), format: DataFileFormat.of(module: module, file: $0),
                                                               compression: DataFileFormat.compression(of: $0)) }))
        }
        return ResolvedDataFiles(config: name, splits: located, features: card.features[name])
    }

    /// The default patterns for the files under `folder` (relative; "" is the root), as
    /// `get_data_patterns` finds them.
    func inferred(under folder: String) throws(TaskError) -> [(split: String, patterns: [String])] {
        let prefix = folder.isEmpty ? "" : folder.hasSuffix("/") ? folder : folder + "/"
        let local = files.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        guard let result = try Self.inferPatterns(local) else {
            throw TaskError("the dataset folder has no data files", at: join(root, folder),
                            hint: "a data file has an extension like .parquet, .arrow, .jsonl, .json, .csv, .tsv")
        }
        return result.map { ($0.split, $0.patterns) }
    }

    /// `_get_data_files_patterns` over relative paths: the `data/{split}-NNNNN-of-NNNNN*.*`
    /// shards, then (in order) eval logs, harbor tasks, split keywords in folder names, in file
    /// names, and finally everything as `train`. Nil when nothing matches at all.
    /// - Throws: ``TaskError`` for a shard split name that is not `\w+(\.\w+)*`.
    public static func inferPatterns(_ files: [String]) throws(TaskError) -> [(split: String, patterns: [String])]? {
        let candidates = files.filter { !ignored.contains(baseName($0)) }
        let sharded = "data/*-[0-9][0-9][0-9][0-9][0-9]-of-[0-9][0-9][0-9][0-9][0-9]*.*"
        let shards = DataFileGlob.select(candidates, pattern: sharded)
        if !shards.isEmpty {
            var splits: [String] = []
            for file in shards {
                if let split = shardSplit(baseName(file)), !splits.contains(split) { splits.append(split) }
            }
            if let bad = splits.first(where: { !isSplitName($0) }) {
                throw TaskError("split name '\(bad)' (from data/\(bad)-NNNNN-of-NNNNN files) is not letters, digits and _ (with dots between)",
                                hint: "datasets refuses such a split name too; rename the files")
            }
            let known = ["train", "validation", "test"]
            let ordered = known.filter(splits.contains) + splits.filter { !known.contains($0) }.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            return ordered.map { ($0, ["data/\($0)-[0-9][0-9][0-9][0-9][0-9]-of-[0-9][0-9][0-9][0-9][0-9]*.*"]) }
        }
        for group in defaultPatternGroups {
            let nonEmpty = group.filter { entry in entry.patterns.contains { !DataFileGlob.select(candidates, pattern: $0).isEmpty } }
            if !nonEmpty.isEmpty { return nonEmpty }
        }
        return nil
    }

    static let splitKeywords: [(split: String, keywords: [String])] = [
        ("train", ["train", "training"]),
        ("validation", ["validation", "valid", "dev", "val"]),
        ("test", ["test", "testing", "eval", "evaluation"]),
    ]

    /// `ALL_DEFAULT_PATTERNS` (fsspec ≥ 2023.12 forms), in order.
    static let defaultPatternGroups: [[(split: String, patterns: [String])]] = {
        let sep = "[-._ 0-9]"
        let dirs = splitKeywords.map { entry in
            (entry.split, entry.keywords.flatMap { k in ["**/\(k)/**", "**/\(k)\(sep)*/**", "**/*\(sep)\(k)/**", "**/*\(sep)\(k)\(sep)*/**"] })
        }
        let names = splitKeywords.map { entry in
            (entry.split, entry.keywords.flatMap { k in ["**/\(k)\(sep)*", "**/*\(sep)\(k)\(sep)*"] })
        }
        return [[("logs", ["**/*.eval"])], [("test", ["**/task.toml", "**/instruction.md"])], dirs, names, [("train", ["**"])]]
    }()

    /// `FILES_TO_IGNORE`.
    static let ignored: Set<String> = ["README.md", "config.json", "dataset_info.json", "dataset_infos.json", "dummy_data.zip", "dataset_dict.json"]

    /// The split of a `{split}-NNNNN-of-NNNN...` shard name: what precedes the last such tail.
    static func shardSplit(_ name: String) -> String? {
        let chars = Array(name.unicodeScalars)
        func digits(_ from: Int, _ count: Int) -> Bool {
            from + count <= chars.count && chars[from..<(from + count)].allSatisfy { ("0"..."9").contains($0) }
        }
        var index = chars.count - 1
        while index > 0 {
            if chars[index] == "-", digits(index + 1, 5), index + 10 <= chars.count,
               String(String.UnicodeScalarView(chars[(index + 6)..<(index + 10)])) == "-of-", digits(index + 10, 4) {
                return String(String.UnicodeScalarView(chars[0..<index]))
            }
            index -= 1
        }
        return nil
    }

    /// `naming._split_re`: `^\w+(\.\w+)*$`.
    static func isSplitName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber } }
    }

    /// `resolve_pattern` relative to `base`: glob matches (sorted), a wildcard-free pattern
    /// naming no file is an error (as `DataFilesList.from_patterns` raises), ignored names out.
    func resolvePattern(_ pattern: String, base: String) throws(TaskError) -> [String] {
        var relative = pattern
        while relative.hasPrefix("./") { relative.removeFirst(2) }
        let full = base.isEmpty ? relative : (base.hasSuffix("/") ? base : base + "/") + relative
        if full.split(separator: "/").contains(where: { $0 != "**" && $0.contains("**") }) {
            throw TaskError("invalid data_files pattern '\(pattern)': '**' can only be an entire path component", at: join(root, base),
                            hint: "write **/*.csv, not **.csv")
        }
        let toIgnore = Self.ignored.subtracting([Self.baseName(full)])
        let matched = DataFileGlob.select(files, pattern: normalize(full)).filter { !toIgnore.contains(Self.baseName($0)) }
        if matched.isEmpty && !pattern.contains(where: { "*[]?".contains($0) }) {
            throw TaskError("data file '\(pattern)' not found in the dataset folder", at: join(root, full))
        }
        return matched
    }

    /// `a/./b` and `a/../b` folded, as the joined path would be on disk.
    private func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// `infer_module_for_data_files`: each split's most common extension (metadata files last,
    /// then parquet, lance, vortex, arrow, jsonl, json, csv on a draw, then the larger text);
    /// every split must agree.
    func inferModule(_ splits: [(split: String, files: [String])], config: String) throws(TaskError) -> String {
        var modules: [(split: String, module: String?)] = []
        for (split, list) in splits {
            var counts: [String: Int] = [:]
            var order: [String] = []
            for file in list {
                for suffix in DataFileFormat.suffixes(file) {
                    if counts[suffix] == nil { order.append(suffix) }
                    counts[suffix, default: 0] += 1
                }
            }
            let favourites = [".parquet", ".lance", ".vortex", ".arrow", ".jsonl", ".json", ".csv"]
            let ranked = order.sorted { a, b in
                if counts[a]! != counts[b]! { return counts[a]! > counts[b]! }
                let fa = favourites.firstIndex(of: a).map { favourites.count - $0 } ?? 0
                let fb = favourites.firstIndex(of: b).map { favourites.count - $0 } ?? 0
                if fa != fb { return fa > fb }
                return b.unicodeScalars.lexicographicallyPrecedes(a.unicodeScalars)
            }
            modules.append((split, ranked.lazy.compactMap { DataFileFormat.modules[$0] }.first))
        }
        guard let first = modules.first?.module else {
            throw TaskError("config '\(config)' has no supported data files", at: root,
                            hint: "the config's data_files match no file with a data-file extension (.parquet, .arrow, .jsonl, .json, .csv, .tsv)")
        }
        if let other = modules.first(where: { $0.module != first }) {
            throw TaskError("config '\(config)': the splits have different data file formats (\(first) and \(other.module ?? "none") for '\(other.split)')", at: root)
        }
        return first
    }

    static func hasDataExtension(_ file: String) -> Bool {
        DataFileFormat.suffixes(file).contains { DataFileFormat.modules[$0] != nil || $0 == ".zip" }
    }

    /// `DataFilesList.filter(extensions:)`: the name holds one of the extensions, at the end or
    /// before a further `.suffix` (`x.jsonl.gz`).
    static func hasExtension(_ file: String, _ extensions: [String]) -> Bool {
        let lower = file
        for ext in extensions {
            var search = lower.startIndex
            while let range = lower.range(of: ext, range: search..<lower.endIndex) {
                let rest = lower[range.upperBound...]
                if rest.isEmpty || (rest.hasPrefix(".") && rest.count > 1) { return true }
                search = lower.index(after: range.lowerBound)
            }
        }
        return false
    }

    static func baseName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

    private func unknownConfig(_ config: String) -> TaskError {
        let names = configNames
        var hint = "the configs are: \(names.prefix(60).joined(separator: ", "))\(names.count > 60 ? ", ..." : "")"
        hint = DidYouMean.hint(config, among: names, then: hint)
        return TaskError("the dataset has no config '\(config)' (dataset_name)", at: root, hint: hint)
    }
}

func join(_ root: String, _ relative: String) -> String {
    relative.isEmpty ? root : root.hasSuffix("/") ? root + relative : root + "/" + relative
}
