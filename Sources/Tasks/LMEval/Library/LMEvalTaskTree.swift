import Config
import Models
import Foundation

/// What `task.tasks` names, expanded as lm-eval 0.4.13's `TaskManager.load` expands `--tasks`:
/// a task name gives its file; a tag gives each of its tasks (sorted by name, no heading); a
/// group gives a heading over its `task:` list, whose entries are task, tag and group names,
/// dicts `{task: NAME, key: value}` that override the named task's keys, dicts `{group: ...}`
/// (a named group with overrides, or a new inline group `parent::name`), and dicts whose `task`
/// names no known task (a new inline task `parent::name`). A group's own keys other than
/// `group`, `group_alias`, `task`, `aggregate_metric_list` and `metadata` override the keys of
/// every task under it; a caller's overrides win over them. Overrides replace top-level keys.
struct LMEvalTaskTree: Sendable {
    /// One task to run: its merged keys (file, includes, overrides) and where they came from.
    struct Leaf: Sendable {
        var name: String
        var keys: ConfigMapping
        /// The YAML file, or the group file that defines an inline task.
        var source: String
    }

    /// A group's `aggregate_metric_list` entry, with lm-eval 0.4.13's defaults.
    struct Aggregate: Sendable {
        var metric: String
        /// `nil`: every filter the leaves report for the metric.
        var filters: [String]?
        var weightBySize: Bool
    }

    struct Group: Sendable {
        var name: String
        var alias: String?
        var aggregates: [Aggregate]
        var version: TemplateValue?
        var children: [Node]
        /// Its leaves, recursively, in order; a leaf under two subgroups is there twice, as in
        /// lm-eval's `get_all_tasks` (its issue #4171).
        var leafNames: [String] {
            children.flatMap { child -> [String] in
                switch child {
                case .leaf(let leaf): [leaf.name]
                case .group(let group): group.leafNames
                }
            }
        }
        var childNames: [String] { children.map(\.name) }
    }

    indirect enum Node: Sendable {
        case leaf(Leaf)
        case group(Group)
        var name: String {
            switch self {
            case .leaf(let leaf): leaf.name
            case .group(let group): group.name
            }
        }
    }

    /// The top-level items, as named (a tag already expanded into its tasks).
    var roots: [Node]

    /// Every leaf once, in lm-eval's order (top-level items in order, a group's leaves depth first).
    var leaves: [Leaf] {
        var seen: Set<String> = []
        var out: [Leaf] = []
        func visit(_ node: Node) {
            switch node {
            case .leaf(let leaf): if seen.insert(leaf.name).inserted { out.append(leaf) }
            case .group(let group): group.children.forEach(visit)
            }
        }
        roots.forEach(visit)
        return out
    }

    /// Every group once, children before parents (the order lm-eval aggregates and lists them).
    var groupsBottomUp: [Group] {
        var seen: Set<String> = []
        var out: [Group] = []
        func visit(_ node: Node) {
            guard case .group(let group) = node, !seen.contains(group.name) else { return }
            group.children.forEach(visit)
            seen.insert(group.name)
            out.append(group)
        }
        roots.forEach(visit)
        return out
    }

    /// Leaves that more than one group of a run counts twice (lm-eval's #4171), by group.
    var doubleCounted: [(group: String, leaf: String)] {
        groupsBottomUp.flatMap { group -> [(group: String, leaf: String)] in
            var counts: [String: Int] = [:]
            for name in group.leafNames { counts[name, default: 0] += 1 }
            return counts.filter { $0.value > 1 }.keys.sorted().map { (group.name, $0) }
        }
    }

    static let groupKeys: Set<String> = ["group", "group_alias", "task", "aggregate_metric_list", "metadata"]

    /// Expands `names` (task, group and tag names, or YAML paths) with `index`.
    ///
    /// - Throws: ``TaskError`` at `task.tasks` for an unknown name (with did-you-mean), at the
    ///   group file for a malformed group, and for a task that two top-level items both hold.
    static func expand(_ names: [String], index: LMEvalTaskIndex) throws(TaskError) -> LMEvalTaskTree {
        var builder = Builder(index: index)
        var roots: [Node] = []
        for name in names {
            roots += try builder.top(name)
        }
        let tree = LMEvalTaskTree(roots: roots)
        try tree.checkDuplicates()
        return tree
    }

    /// lm-eval refuses a task that two top-level items hold (`_check_duplicates`).
    func checkDuplicates() throws(TaskError) {
        var seen: [String: String] = [:]
        for root in roots {
            let names: [String]
            switch root {
            case .leaf(let leaf): names = [leaf.name]
            case .group(let group): names = group.leafNames
            }
            for name in names {
                if let other = seen[name], other != root.name {
                    throw TaskError("task '\(name)' is in both '\(other)' and '\(root.name)'", at: "task.tasks",
                                    hint: "name each task once (lm-eval refuses the same duplicate)")
                }
                seen[name] = root.name
            }
        }
    }

    private struct Builder {
        let index: LMEvalTaskIndex
        /// Groups being built, to stop a group that contains itself.
        var building: [String] = []

        mutating func top(_ name: String) throws(TaskError) -> [Node] {
            if let entry = index.entry(name) {
                return try build(entry, overrides: ConfigMapping(), place: "task.tasks")
            }
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml"), FileSystem.isFile(name) {
                let keys = try LMEvalTaskFile.load(name)
                if let group = keys["group"]?.string {
                    return [.group(try self.group(group, keys: keys, overrides: ConfigMapping(), source: name))]
                }
                return [.leaf(try leaf(keys: keys, overrides: ConfigMapping(), source: name))]
            }
            throw index.unknownNameError(name, place: "task.tasks")
        }

        mutating func build(_ entry: LMEvalTaskIndex.Entry, overrides: ConfigMapping, place: String) throws(TaskError) -> [Node] {
            switch entry.kind {
            case .tag:
                var out: [Node] = []
                for member in entry.members.sorted() {
                    guard let memberEntry = index.entry(member), let path = memberEntry.path else { continue }
                    out.append(.leaf(try leaf(keys: try LMEvalTaskFile.load(path), overrides: overrides, source: path)))
                }
                return out
            case .group:
                guard let path = entry.path else { throw TaskError("group '\(entry.name)' has no file", at: place) }
                return [.group(try group(entry.name, keys: try LMEvalTaskFile.load(path), overrides: overrides, source: path))]
            case .task, .pythonTask:
                guard let path = entry.path else { throw TaskError("task '\(entry.name)' has no file", at: place) }
                return [.leaf(try leaf(keys: try LMEvalTaskFile.load(path), overrides: overrides, source: path))]
            }
        }

        func leaf(keys: ConfigMapping, overrides: ConfigMapping, source: String) throws(TaskError) -> Leaf {
            var merged = keys
            for (key, value) in overrides { merged[key] = value }
            for key in ["tag", "group", "task_list"] { _ = merged.removeValue(forKey: key) }
            guard let name = merged["task"]?.string, !name.isEmpty else {
                throw TaskError("a task file names its task with 'task: NAME'", at: source, hint: "add 'task: my_task' at the top level of the file")
            }
            if merged["class"] != nil {
                throw TaskError("task '\(name)' is a Python Task class (class: !function ...), which this runner does not run", at: source,
                                hint: "run it with lm-eval itself; YAML task files with !function hooks do run here")
            }
            return Leaf(name: name, keys: merged, source: source)
        }

        mutating func group(_ name: String, keys: ConfigMapping, overrides: ConfigMapping, source: String) throws(TaskError) -> Group {
            guard !building.contains(name) else {
                throw TaskError("group '\(name)' contains itself: \((building + [name]).joined(separator: " -> "))", at: source,
                                hint: "take '\(name)' out of the task list of '\(building.last ?? name)'; lm-eval cannot load this tree either")
            }
            building.append(name)
            defer { building.removeLast() }
            var inherited = ConfigMapping()
            for (key, value) in keys where !LMEvalTaskTree.groupKeys.contains(key) { inherited[key] = value }
            for (key, value) in overrides { inherited[key] = value }
            var group = Group(name: name, alias: keys["group_alias"]?.string, aggregates: try Self.aggregates(keys["aggregate_metric_list"], source: source),
                              version: keys["metadata"]?.mapping?["version"].map(\.templateValue), children: [])
            var members: [ConfigNode] = []
            if let task = keys["task"] {
                switch task.value {
                case .string: members = [task]
                case .sequence(let items): members = items
                case .null: break
                default: throw TaskError("a group's 'task' must be a name or a list", at: LMEvalTaskFile.place(task, "task"),
                                         hint: "task: [arc_easy, arc_challenge]")
                }
            }
            var seen: [String: Int] = [:]
            func add(_ node: Node) {
                // lm-eval keys a group's children by name: a later one replaces an earlier one.
                if let at = seen[node.name] { group.children[at] = node } else { seen[node.name] = group.children.count; group.children.append(node) }
            }
            for member in members {
                let place = LMEvalTaskFile.place(member, "task")
                if let memberName = member.string {
                    for node in try child(memberName, overrides: inherited, inlineKeys: nil, parent: name, source: source, place: place) { add(node) }
                    continue
                }
                guard let dict = member.mapping else {
                    throw TaskError("a group's task list holds names or mappings, not \(member.kindDescription)", at: place,
                                    hint: "each entry is a task, group or tag name, or a mapping such as {task: arc_easy, num_fewshot: 5}")
                }
                if let groupName = dict["group"]?.string {
                    var own = ConfigMapping()
                    for (key, value) in dict where key != "group" { own[key] = value }
                    if let entry = index.entry(groupName), entry.kind == .group, let path = entry.path {
                        var merged = inherited
                        for (key, value) in own { merged[key] = value }
                        add(.group(try self.group(groupName, keys: try LMEvalTaskFile.load(path), overrides: merged, source: path)))
                    } else {
                        add(.group(try self.group("\(name)::\(groupName)", keys: dict, overrides: inherited, source: source)))
                    }
                    continue
                }
                guard let taskName = dict["task"]?.string else {
                    throw TaskError("a mapping in group '\(name)' needs 'task' or 'group'", at: place,
                                    hint: "{task: NAME, key: value} overrides a task; {group: NAME, task: [...]} defines a group inline")
                }
                var merged = inherited
                for (key, value) in dict { merged[key] = value }
                for node in try child(taskName, overrides: merged, inlineKeys: merged, parent: name, source: source, place: place) { add(node) }
            }
            return group
        }

        /// A named member of a group's task list.
        mutating func child(_ name: String, overrides: ConfigMapping, inlineKeys: ConfigMapping?, parent: String, source: String,
                            place: String) throws(TaskError) -> [Node] {
            guard let entry = index.entry(name) else {
                guard var keys = inlineKeys else { throw index.unknownNameError(name, place: place) }
                // A task defined in the group file itself.
                keys["task"] = ConfigNode(.string("\(parent)::\(name)"))
                return [.leaf(try leaf(keys: keys, overrides: ConfigMapping(), source: source))]
            }
            switch entry.kind {
            case .group:
                return try build(entry, overrides: overrides, place: place)
            case .tag:
                var out: [Node] = []
                for member in entry.members.sorted() {
                    guard let path = index.entry(member)?.path else { continue }
                    var merged = ConfigMapping([("task", ConfigNode(.string(member)))])
                    for (key, value) in overrides where key != "task" { merged[key] = value }
                    out.append(.leaf(try leaf(keys: try LMEvalTaskFile.load(path), overrides: merged, source: path)))
                }
                return out
            case .task, .pythonTask:
                guard let path = entry.path else { throw TaskError("task '\(name)' has no file", at: place) }
                var merged = ConfigMapping([("task", ConfigNode(.string(name)))])
                for (key, value) in overrides { merged[key] = value }
                return [.leaf(try leaf(keys: try LMEvalTaskFile.load(path), overrides: merged, source: path))]
            }
        }

        /// `aggregate_metric_list`: a mapping or a list of them; lm-eval 0.4.13's defaults
        /// (weight_by_size true, filters found in the leaves' results), only `mean`.
        static func aggregates(_ node: ConfigNode?, source: String) throws(TaskError) -> [Aggregate] {
            guard let node, node.value != .null else { return [] }
            let items: [ConfigNode]
            switch node.value {
            case .mapping: items = [node]
            case .sequence(let list): items = list
            default: throw TaskError("aggregate_metric_list must be a list of mappings", at: LMEvalTaskFile.place(node, "aggregate_metric_list"),
                                     hint: "aggregate_metric_list: [{metric: acc, weight_by_size: true}]")
            }
            var out: [Aggregate] = []
            for item in items {
                let place = LMEvalTaskFile.place(item, "aggregate_metric_list")
                guard let map = item.mapping, let metric = map["metric"]?.string else {
                    throw TaskError("each aggregate_metric_list entry needs 'metric'", at: place, hint: "- metric: acc")
                }
                if let aggregation = map["aggregation"], aggregation.string != "mean" {
                    throw TaskError("aggregation '\(aggregation.string ?? aggregation.kindDescription)' of a group: only 'mean' is known (as in lm-eval 0.4.13)",
                                    at: LMEvalTaskFile.place(aggregation, "aggregation"),
                                    hint: "a group's score is the mean of its tasks' (weight_by_size: false for the unweighted mean); remove 'aggregation' or set it to mean")
                }
                var filters: [String]?
                if let f = map["filter_list"], f.value != .null {
                    if let s = f.string { filters = [s] } else if let list = f.sequence { filters = list.compactMap(\.string) } else {
                        throw TaskError("filter_list must be a filter name or a list of them", at: LMEvalTaskFile.place(f, "filter_list"),
                                        hint: "filter_list: [strict-match]; leave it out to use every filter the tasks report")
                    }
                }
                var weight = true
                if let w = map["weight_by_size"], w.value != .null {
                    guard case .bool(let b) = w.value else {
                        throw TaskError("weight_by_size must be true or false", at: LMEvalTaskFile.place(w, "weight_by_size"),
                                        hint: "true weighs each task by its number of documents (lm-eval's default)")
                    }
                    weight = b
                }
                out.append(Aggregate(metric: metric, filters: filters, weightBySize: weight))
            }
            return out
        }
    }
}
