import Config
import Foundation
import Models

/// `+task=lm_eval`: one lm-eval task file (`task.path`), or lm-eval's tasks, groups and tags by
/// name (`task.tasks`, like `lm_eval --tasks`), run together in one evaluation: one model, all
/// requests scheduled together, each task scored as lm-eval scores it and each group aggregated
/// from its leaves as lm-eval 0.4.13 aggregates (`Group.aggregate`).
///
/// With several tasks an item is `task/doc`, a metric `task/acc` (`task/exact_match,strict-match`)
/// and a group's `group/acc`; one task file keeps the plain names.
public struct LMEvalSuite: RegisteredTask {
    public typealias Settings = LMEvalSettings

    public let items: DatasetItems
    public let metricNames: [String]
    public var classLabels: [String]? { nil }
    public var mainMetric: String? { metricNames.first }
    public var title: String? { single ? leaves[0].title : "lm_eval/\(requested)" }
    public var bootstrapIterations: Int? { leaves[0].bootstrapIterations }
    public var readsAnswers: Bool { leaves.contains { $0.readsAnswers } }

    let leaves: [LMEvalTask]
    let tree: LMEvalTaskTree?
    /// `task.path` mode: the one task, its names unchanged.
    let single: Bool
    /// What was asked for, as written (`mmlu,gsm8k`).
    let requested: String
    /// Item index to (leaf, the leaf's own item).
    let owners: [(leaf: Int, item: DatasetItem)]
    let leafIndex: [String: Int]

    public static func check(_ settings: LMEvalSettings) throws(TaskError) {
        try settings.check()
        if settings.tasks == nil { try LMEvalTask.check(settings) }
    }

    public init(_ settings: LMEvalSettings, context: TaskContext) throws {
        try settings.check()
        guard let names = settings.tasks else {
            let task = try LMEvalTask(settings, context: context)
            leaves = [task]
            tree = nil
            single = true
            requested = task.definition.name
            items = task.items
            metricNames = task.metricNames
            owners = []
            leafIndex = [task.definition.name: 0]
            return
        }
        let tree = try Self.tree(names, settings: settings, dataPath: context.dataPath)
        // One Python worker for the run's hooks, started only when a task has one.
        let python = LMEvalPythonWorker(settings)
        var leaves: [LMEvalTask] = []
        for leaf in tree.leaves {
            do {
                leaves.append(try LMEvalTask(settings, keys: leaf.keys, path: leaf.source, context: context, python: python))
            } catch let error as TaskError {
                throw TaskError("task '\(leaf.name)': \(error.message)", at: error.place, hint: error.hint)
            }
        }
        self.leaves = leaves
        self.tree = tree
        single = false
        requested = names.joined(separator: ",")
        var owners: [(Int, DatasetItem)] = []
        var all: [DatasetItem] = []
        var leafIndex: [String: Int] = [:]
        for (i, leaf) in leaves.enumerated() {
            leafIndex[leaf.definition.name] = i
            for item in try leaf.items.all() {
                owners.append((i, item))
                all.append(DatasetItem(id: "\(leaf.definition.name)/\(item.id)", fields: item.fields, place: item.place))
            }
        }
        self.owners = owners
        self.leafIndex = leafIndex
        items = DatasetItems(all)
        var metricNames: [String] = []
        for group in tree.groupsBottomUp.reversed() {
            metricNames += Self.groupKeys(group, leaves: leaves, leafIndex: leafIndex).map { "\(group.name)/\($0.key)" }
        }
        for leaf in leaves { metricNames += leaf.metricNames.map { "\(leaf.definition.name)/\($0)" } }
        self.metricNames = metricNames
        for (group, leaf) in tree.doubleCounted {
            FileHandle.standardError.write(Data("warning: group '\(group)' counts task '\(leaf)' twice in its aggregate, as lm-eval 0.4.13 does (its issue #4171)\n".utf8))
        }
    }

    /// The index over `task.include_path` and the library, and the names expanded with it.
    static func tree(_ names: [String], settings: LMEvalSettings, dataPath: (String) -> String) throws(TaskError) -> LMEvalTaskTree {
        try LMEvalTaskTree.expand(names, index: try index(settings: settings, dataPath: dataPath, asked: names))
    }

    /// The index over `task.include_path` and `task.library` (or the installed lm_eval's).
    static func index(settings: LMEvalSettings, dataPath: (String) -> String, asked names: [String]) throws(TaskError) -> LMEvalTaskIndex {
        let library = settings.library.map(dataPath) ?? LMEvalLibrary.locate(python: settings.python)
        if let library, !FileSystem.isDirectory(library) {
            throw TaskError("lm-eval's task library '\(library)' is not a folder", at: "task.library",
                            hint: "point task.library at an lm_eval/tasks folder (of an installed lm_eval or a checkout)")
        }
        let includes = settings.includePath.map(dataPath)
        for folder in includes where !FileSystem.isDirectory(folder) {
            throw TaskError("include path '\(folder)' is not a folder", at: "task.include_path", hint: "a folder of task YAML files")
        }
        if library == nil && includes.isEmpty {
            throw TaskError("no lm-eval task library found to look up \(names.joined(separator: ", "))", at: "task.library",
                            hint: "install lm-eval in the Python that task.python names (pip install lm-eval), or set task.library=PATH/lm_eval/tasks")
        }
        return try LMEvalTaskIndex.build(includePaths: includes, library: library)
    }

    // MARK: - Requests and scores

    public func requests(for item: DatasetItem) throws(TaskError) -> [ModelRequest] {
        if single { return try leaves[0].requests(for: item) }
        let owner = owners[item.index]
        return try leaves[owner.leaf].requests(for: owner.item)
    }

    public func score(_ item: DatasetItem, answers: [ModelAnswer]) throws(TaskError) -> ItemScore {
        if single { return try leaves[0].score(item, answers: answers) }
        let owner = owners[item.index]
        let leaf = leaves[owner.leaf]
        var score = try leaf.score(owner.item, answers: answers)
        let prefix = leaf.definition.name + "/"
        score.metrics = Dictionary(uniqueKeysWithValues: score.metrics.map { (prefix + $0.key, $0.value) })
        score.corpusValues = Dictionary(uniqueKeysWithValues: score.corpusValues.map { (prefix + $0.key, $0.value) })
        score.detail.insert(("task", .string(leaf.definition.name)), at: 0)
        score.scoreMetric = leaf.metricNames.first.map { prefix + $0 }
        // A loglikelihood task reads no answer; beside tasks that do, its items are not nulls.
        if !leaf.readsAnswers, score.prediction == nil { score.prediction = "" }
        return score
    }

    // MARK: - Metrics

    public func estimate(_ metric: String, scores: ScoreColumns, iterations: Int, seed: Int) -> MetricEstimate {
        if single { return leaves[0].estimate(metric, scores: scores, iterations: iterations, seed: seed) }
        guard let slash = metric.firstIndex(of: "/") else { return MetricEstimate(value: .nan, low: .nan, high: .nan, count: 0) }
        let owner = String(metric[..<slash]), key = String(metric[metric.index(after: slash)...])
        if let i = leafIndex[owner] {
            return leaves[i].estimate(key, scores: scores.rows(prefixed: owner + "/"), iterations: iterations, seed: seed)
        }
        guard let group = tree?.groupsBottomUp.first(where: { $0.name == owner }),
              let aggregate = Self.groupKeys(group, leaves: leaves, leafIndex: leafIndex).first(where: { $0.key == key })?.aggregate else {
            return MetricEstimate(value: .nan, low: .nan, high: .nan, count: 0)
        }
        var parts: [(value: Double, stderr: Double?, size: Int)] = []
        var leafEstimates: [String: (MetricEstimate, Int)] = [:]
        for name in group.leafNames {
            guard let i = leafIndex[name], leaves[i].metricNames.contains(key) else { continue }
            if leafEstimates[name] == nil {
                let rows = scores.rows(prefixed: name + "/")
                leafEstimates[name] = (leaves[i].estimate(key, scores: rows, iterations: iterations, seed: seed), rows.count)
            }
            let (estimate, size) = leafEstimates[name]!
            parts.append((estimate.value, estimate.standardError, size))
        }
        return LMEvalGroupAggregate.combine(parts, weightBySize: aggregate.weightBySize)
    }

    /// A group's metric keys (`acc`, `exact_match,strict-match`): each aggregate's metric with
    /// its filters, or every filter the leaves report it under (lm-eval 0.4.13's discovery).
    static func groupKeys(_ group: LMEvalTaskTree.Group, leaves: [LMEvalTask], leafIndex: [String: Int]) -> [(key: String, aggregate: LMEvalTaskTree.Aggregate)] {
        var out: [(key: String, aggregate: LMEvalTaskTree.Aggregate)] = []
        for aggregate in group.aggregates {
            var filters = aggregate.filters ?? []
            if aggregate.filters == nil {
                var found: Set<String> = []
                for name in group.leafNames {
                    guard let i = leafIndex[name] else { continue }
                    let definition = leaves[i].definition
                    if definition.metrics.contains(where: { $0.name == aggregate.metric }) {
                        for pipeline in definition.filters { found.insert(pipeline.name) }
                    }
                }
                filters = found.sorted()
            }
            for filter in filters {
                let key = LMEvalTask.key(aggregate.metric, filter: filter)
                if !out.contains(where: { $0.key == key }) { out.append((key, aggregate)) }
            }
        }
        return out
    }

    public func extraResults(_ scores: ScoreColumns, metrics: [(String, MetricEstimate)]) -> [(String, OrderedJSON)] {
        if single { return leaves[0].extraResults(scores, metrics: metrics) }
        return LMEvalResultsLayout(suite: self, scores: scores, metrics: metrics).entries
    }
}
