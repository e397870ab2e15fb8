import Dispatch

/// Builds the index of one set of folders from their files, as lm-eval 0.4.13's `TaskIndex.build`
/// does: each folder's `*.yaml` in sorted order, `include`s merged (later includes over earlier,
/// the file's own keys last), `class:` a Python task, `group:` a group, `task:` a name, `tag:`
/// names of tags the task joins; within a folder the first file to claim a name keeps it, and a
/// later folder replaces a name an earlier one had.
///
/// The files are read and scanned on every core; the merging is one pass.
struct LMEvalIndexBuilder {
    typealias Value = LMEvalTopLevelKeys.Value
    typealias Shape = LMEvalTopLevelKeys.Shape

    /// The modification times a cached copy must still see to be valid.
    var stamps = LMEvalIndexStamps()
    /// Shapes of files by resolved path (task files and the templates they include).
    private var shapes: [String: Shape] = [:]
    private var resolvedIncludes: [String: String?] = [:]

    /// Names to entries over `roots` (later roots win).
    mutating func build(roots: [String]) -> [String: LMEvalTaskIndex.Entry] {
        var index: [String: LMEvalTaskIndex.Entry] = [:]
        for root in roots {
            let folder = buildFolder(root)
            if index.isEmpty { index = folder; continue }
            for (name, entry) in folder { index[name] = entry }
        }
        return index
    }

    private mutating func buildFolder(_ root: String) -> [String: LMEvalTaskIndex.Entry] {
        // Python checks every component of the path, the root's too.
        if root.split(separator: "/").contains(where: { LMEvalFolderWalk.ignoredFolders.contains(String($0)) }) { return [:] }
        let walk = LMEvalFolderWalk(root: root)
        for folder in walk.folders {
            stamps.folders[folder.relative.isEmpty ? root : root + "/" + folder.relative] = folder.modified
        }
        guard let resolvedRoot = LMEvalFolderWalk.resolved(root) else { return [:] }
        let files = walk.files
        let resolvedPaths = files.map { file in
            file.isLink ? LMEvalFolderWalk.resolved(root + "/" + file.relative) : resolvedRoot == "/" ? "/" + file.relative : resolvedRoot + "/" + file.relative
        }
        let scanned = Self.scanAll(resolvedPaths)
        // Sized once: growing these tables of 14,000 paths was a tenth of a cold build.
        shapes.reserveCapacity(shapes.count + files.count)
        stamps.files.reserveCapacity(stamps.files.count + files.count)
        for (number, path) in resolvedPaths.enumerated() {
            guard let path else { continue }
            shapes[path] = scanned[number].shape
            if let modified = scanned[number].modified { stamps.files[path] = modified }
        }

        var folderIndex: [String: LMEvalTaskIndex.Entry] = [:]
        folderIndex.reserveCapacity(files.count + files.count / 8)
        for (number, file) in files.enumerated() {
            guard let resolved = resolvedPaths[number] else { continue }
            var seen: Set<String> = [resolved]
            guard let keys = merged(resolved, shape: scanned[number].shape, seen: &seen) else { continue }
            register(keys, path: root + "/" + file.relative, in: &folderIndex)
        }
        // lm-eval keeps a tag's tasks in a set and expands them sorted.
        for (name, entry) in folderIndex where entry.kind == .tag {
            folderIndex[name]!.members = Array(Set(entry.members)).sorted { PythonStringOrder.precedes($0, $1) }
        }
        return folderIndex
    }

    /// The keys of a file after its includes, as `load_yaml(recursive=True)`; nil where lm-eval
    /// skips the file (a missing include, an include cycle, the same file included twice).
    private mutating func merged(_ path: String, shape: Shape, seen: inout Set<String>) -> [String: Value]? {
        guard case .mapping(var own) = shape else { return nil }
        guard let include = own.removeValue(forKey: "include") else { return own }
        let names: [String]
        switch include {
        case .string(let name): names = [name]
        case .list(let items):
            var list: [String] = []
            for item in items {
                guard case .string(let name) = item else { return nil }
                list.append(name)
            }
            names = list
        default: return nil
        }
        var keys: [String: Value] = [:]
        let folder = Self.parent(path)
        for name in names {
            let target = name.hasPrefix("/") ? name : folder + "/" + name
            guard let resolved = resolveInclude(target) else { return nil }
            // lm-eval's seen set is shared by all includes of one file: a template reached twice is a "cycle".
            guard seen.insert(resolved).inserted else { return nil }
            guard var included = merged(resolved, shape: includedShape(resolved), seen: &seen) else { return nil }
            included.removeValue(forKey: "task_list")
            keys.merge(included) { _, new in new }
        }
        keys.merge(own) { _, new in new }
        return keys
    }

    private mutating func resolveInclude(_ target: String) -> String? {
        if let known = resolvedIncludes[target] { return known }
        let resolved = LMEvalFolderWalk.resolved(target)
        resolvedIncludes[target] = resolved
        if resolved == nil, let folder = Optional(Self.parent(target)) {
            // Adding the missing file changes its folder: watch the folder.
            stamps.folders[folder] = LMEvalFolderWalk.modified(folder) ?? 0
        }
        return resolved
    }

    private mutating func includedShape(_ path: String) -> Shape {
        if let known = shapes[path] { return known }
        let scanned = Self.scan(path)
        shapes[path] = scanned.shape
        if let modified = scanned.modified { stamps.files[path] = modified }
        return scanned.shape
    }

    /// `TaskIndex.process_cfg`: one file's names into its folder's index.
    private func register(_ keys: [String: Value], path: String, in index: inout [String: LMEvalTaskIndex.Entry]) {
        let kind: LMEvalTaskIndex.Kind
        let name: String
        if keys["class"] != nil {
            guard case .string(let task)? = keys["task"] else { return }
            kind = .pythonTask; name = task
        } else if let group = keys["group"] {
            guard case .string(let groupName) = group else { return }
            // A group's own tags are kept on it by lm-eval but make no tag.
            if index[groupName] == nil { index[groupName] = .init(name: groupName, kind: .group, path: path) }
            return
        } else if let task = keys["task"] {
            guard case .string(let taskName) = task else { return }
            kind = .task; name = taskName
        } else {
            return
        }
        guard index[name] == nil else { return }  // the first file in sorted order keeps a name
        var entry = LMEvalTaskIndex.Entry(name: name, kind: kind, path: path)
        if case .string(let outputType)? = keys["output_type"] { entry.outputType = outputType }
        index[name] = entry
        let tags: [Value]
        switch keys["tag"] {
        case .string(let tag)?: tags = tag.isEmpty ? [] : [.string(tag)]
        case .list(let list)?: tags = list
        default: tags = []
        }
        for case .string(let tag) in tags {
            if index[tag] == nil { index[tag] = .init(name: tag, kind: .tag, path: nil) }
            // A name already held by a task or group stays that; it gains no members.
            if index[tag]!.kind == .tag { index[tag]!.members.append(name) }
        }
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: 0x2F) else { return "." }
        return slash == path.utf8.startIndex ? "/" : String(path[..<slash])
    }

    /// One file read and scanned, with its modification time.
    struct Scanned: Sendable {
        var shape: Shape = .unreadable
        var modified: Int64?
    }

    static func scan(_ path: String) -> Scanned {
        guard let (bytes, modified) = LMEvalFolderWalk.readWithTime(path) else { return Scanned() }
        return Scanned(shape: LMEvalTopLevelKeys.scan(bytes), modified: modified)
    }

    /// Every file scanned, split over the cores.
    static func scanAll(_ paths: [String?]) -> [Scanned] {
        var results = [Scanned](repeating: Scanned(), count: paths.count)
        let chunks = max(1, min(64, paths.count / 64))
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var i = chunk
                while i < paths.count {
                    if let path = paths[i] { output[i] = scan(path) }
                    i += chunks
                }
            }
        }
        return results
    }
}

