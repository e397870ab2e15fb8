import Config

/// lm-eval's task, group and tag names over task folders, as lm-eval 0.4.13's `TaskManager`
/// indexes them: what `--tasks NAME` finds, and where.
///
/// Built from the folders' top-level keys without parsing whole files (``LMEvalTopLevelKeys``),
/// and cached on disk by modification times (``LMEvalIndexCache``): the whole library
/// (~14,000 files) is indexed cold in a fraction of a second, where lm-eval takes seconds.
public struct LMEvalTaskIndex: Sendable {
    public enum Kind: String, Sendable, Equatable { case task, pythonTask = "python_task", group, tag }

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var kind: Kind
        /// The YAML file (the folder as given joined with the file's path in it); nil for a tag.
        public var path: String?
        /// A tag's task names, sorted, the order lm-eval expands a tag in.
        public var members: [String]
        /// A task's `output_type` after its includes (what `lm_eval ls` shows), when a string.
        public var outputType: String?

        public init(name: String, kind: Kind, path: String?, members: [String] = [], outputType: String? = nil) {
            self.name = name
            self.kind = kind
            self.path = path
            self.members = members
            self.outputType = outputType
        }
    }

    /// The folders searched, in lm-eval's order: the library first, then the include paths
    /// (a later folder's name replaces an earlier one's, as in lm-eval).
    public let folders: [String]
    private let byName: [String: Entry]

    init(folders: [String], entries: [String: Entry]) {
        self.folders = folders
        self.byName = entries
    }

    /// The index of the include paths and the library, from the cache when it is current.
    ///
    /// - Throws: ``TaskError`` when a folder does not exist.
    public static func build(includePaths: [String], library: String?) throws(TaskError) -> LMEvalTaskIndex {
        try build(includePaths: includePaths, library: library, cacheFolder: LMEvalIndexCache.defaultFolder)
    }

    /// As ``build(includePaths:library:)``, with the cache in `cacheFolder` (nil: no cache).
    public static func build(includePaths: [String], library: String?, cacheFolder: String?) throws(TaskError) -> LMEvalTaskIndex {
        if let library, !FileSystem.isDirectory(library) {
            throw TaskError("lm-eval's task library not found: no folder \(library)", at: library,
                            hint: "give the lm_eval/tasks folder of an lm-eval install or checkout (--library, task.library)")
        }
        for folder in includePaths where !FileSystem.isDirectory(folder) {
            throw TaskError("task folder not found: no folder \(folder)", at: folder,
                            hint: "an include path is a folder of lm-eval task YAML files (--include-path, task.include_path)")
        }
        let roots = (library.map { [$0] } ?? []) + includePaths
        let cacheFile = cacheFolder.map { LMEvalIndexCache.file(in: $0, roots: roots) }
        if let cacheFile, let cached = LMEvalIndexCache.load(cacheFile, roots: roots) {
            return LMEvalTaskIndex(folders: roots, entries: cached)
        }
        var builder = LMEvalIndexBuilder()
        let entries = builder.build(roots: roots)
        if let cacheFile { LMEvalIndexCache.save(entries, stamps: builder.stamps, roots: roots, to: cacheFile) }
        return LMEvalTaskIndex(folders: roots, entries: entries)
    }

    public func entry(_ name: String) -> Entry? { byName[name] }

    /// Every name, sorted as Python sorts strings.
    public var entries: [Entry] {
        // Sorting the names, not the entries: moving entries cost a retain per field per swap.
        byName.keys.sorted(by: PythonStringOrder.precedes).map { byName[$0]! }
    }

    public var count: Int { byName.count }

    /// Known names close to a misspelled one, best first: by edit distance (within a third of
    /// the name, at most 3, as ``Config/DidYouMean``), then names that contain it.
    public func suggestions(for name: String) -> [String] {
        let word = name.lowercased()
        let limit = min(3, max(1, word.count / 3 + 1))
        let length = word.unicodeScalars.count
        var close: [(String, Int)] = []
        var containing: [String] = []
        for candidate in byName.keys where candidate != name {
            let lowered = candidate.lowercased()
            if abs(lowered.unicodeScalars.count - length) <= limit {
                let distance = DidYouMean.editDistance(word, lowered)
                if distance <= limit { close.append((candidate, distance)); continue }
            }
            if word.count >= 3 && lowered.contains(word) { containing.append(candidate) }
        }
        close.sort { $0.1 != $1.1 ? $0.1 < $1.1 : PythonStringOrder.precedes($0.0, $1.0) }
        containing.sort { $0.count != $1.count ? $0.count < $1.count : PythonStringOrder.precedes($0, $1) }
        return Array((close.map(\.0) + containing).prefix(5))
    }

    /// The error for a name no folder defines: the name, near names, and the folders searched.
    public func unknownNameError(_ name: String, place: String) -> TaskError {
        let near = suggestions(for: name)
        var hint = near.isEmpty ? "" : "did you mean " + near.map { "'\($0)'" }.joined(separator: ", ") + "? "
        hint += folders.isEmpty ? "no task folders were searched (give task.include_path or task.library)"
            : "searched " + folders.joined(separator: ", ") + " (runner lm-eval list shows the names)"
        return TaskError("unknown lm-eval task, group or tag '\(name)'", at: place, hint: hint)
    }
}
