import Config
import Foundation

// TEMPORARY stand-in with the API of the real index (branch lmeval-index): a plain walk that
// reads each YAML's top-level keys. Replaced on merge.
public struct LMEvalTaskIndex: Sendable {
    public enum Kind: String, Sendable { case task, pythonTask = "python_task", group, tag }
    public struct Entry: Sendable {
        public var name: String
        public var kind: Kind
        public var path: String?
        public var members: [String]
    }
    private var byName: [String: Entry] = [:]

    public static func build(includePaths: [String], library: String?) throws(TaskError) -> LMEvalTaskIndex {
        var index = LMEvalTaskIndex()
        for folder in (library.map { [$0] } ?? []) + includePaths {
            guard let walker = FileManager.default.enumerator(atPath: folder) else { continue }
            var files: [String] = []
            while let rel = walker.nextObject() as? String { if rel.hasSuffix(".yaml") { files.append(folder + "/" + rel) } }
            for path in files.sorted() {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                      let root = try? YAMLLoader.load(text, file: path), let map = root.mapping else { continue }
                if map["class"] != nil, let n = map["task"]?.string {
                    index.byName[n] = Entry(name: n, kind: .pythonTask, path: path, members: [])
                } else if let g = map["group"]?.string {
                    index.byName[g] = Entry(name: g, kind: .group, path: path, members: [])
                } else if let t = map["task"]?.string {
                    index.byName[t] = Entry(name: t, kind: .task, path: path, members: [])
                    var tags: [String] = []
                    if let s = map["tag"]?.string { tags = [s] }
                    if case .sequence(let items)? = map["tag"]?.value { tags = items.compactMap(\.string) }
                    for tag in tags where index.byName[tag]?.kind != .task && index.byName[tag]?.kind != .group {
                        var e = index.byName[tag] ?? Entry(name: tag, kind: .tag, path: nil, members: [])
                        e.members.append(t)
                        index.byName[tag] = e
                    }
                }
            }
        }
        return index
    }

    public func entry(_ name: String) -> Entry? { byName[name] }
    public var entries: [Entry] { byName.values.sorted { $0.name < $1.name } }
    public func suggestions(for name: String) -> [String] { DidYouMean.closest(to: name, in: Array(byName.keys)).map { [$0] } ?? [] }
    public func unknownNameError(_ name: String, place: String) -> TaskError {
        TaskError("no lm-eval task, group or tag is named '\(name)'", at: place,
                  hint: suggestions(for: name).first.map { "did you mean '\($0)'?" } ?? "runner lm-eval list shows the names")
    }
}

public enum LMEvalLibrary {
    public static func locate(python: String?) -> String? { nil }
}
