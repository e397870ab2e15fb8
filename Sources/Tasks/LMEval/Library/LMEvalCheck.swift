import Config
import Foundation

/// `runner lm-eval check [NAMES|all]`: every named task loaded as a run would load it (its
/// file, includes and group overrides, its keys, its data from the local caches), without a
/// model or a request, and what stops each one.
public enum LMEvalCheck {
    public struct Outcome: Sendable {
        public enum Status: String, Sendable {
            /// Keys and data are all there: the task runs.
            case ready
            /// The task file is fine, but its dataset is not on this machine.
            case noData = "no data"
            /// Something in the task itself stops it (an unsupported key, a bad template, ...).
            case cannotRun = "cannot run"
        }
        public var task: String
        public var path: String
        public var status: Status
        /// The first line of the reason, for a table.
        public var reason: String
    }

    /// - Parameters:
    ///   - names: task, group and tag names, or `["all"]` for every task of the index.
    ///   - taskKeys: keys that override every task's (a run's `task` section).
    ///   - loadData: also read each task's data (a keys-only check skips it).
    /// - Throws: ``TaskError`` for an unknown name.
    public static func run(_ names: [String], index: LMEvalTaskIndex, taskKeys: ConfigMapping = ConfigMapping(), loadData: Bool = true,
                           dataPath: @escaping (String) -> String = { $0 }) throws(TaskError) -> [Outcome] {
        var leaves: [(name: String, path: String, keys: ConfigMapping?, failure: String?)] = []
        let requested = names == ["all"] ? index.entries.filter { $0.kind == .task || $0.kind == .pythonTask }.map(\.name) : names
        for name in requested {
            do {
                let tree = try LMEvalTaskTree.expand([name], index: index)
                leaves += tree.leaves.map { ($0.name, $0.source, $0.keys, nil) }
            } catch {
                leaves.append((name, index.entry(name)?.path ?? "", nil, error.message))
            }
        }
        var seen: Set<String> = []
        var out: [Outcome] = []
        for leaf in leaves where seen.insert(leaf.name).inserted {
            guard let keys = leaf.keys else {
                out.append(Outcome(task: leaf.name, path: leaf.path, status: .cannotRun, reason: firstLine(leaf.failure ?? "")))
                continue
            }
            var merged = keys
            for (key, value) in taskKeys { merged[key] = value }
            let definition: LMEvalTaskDefinition
            do {
                definition = try LMEvalTaskDefinition(merged, source: leaf.path)
            } catch {
                out.append(Outcome(task: leaf.name, path: leaf.path, status: .cannotRun, reason: firstLine(error.message)))
                continue
            }
            guard loadData else {
                out.append(Outcome(task: leaf.name, path: leaf.path, status: .ready, reason: ""))
                continue
            }
            do {
                _ = try LMEvalDataset.load(definition, resolve: LMEvalTask.dataFile(taskFile: leaf.path, dataPath: dataPath))
                out.append(Outcome(task: leaf.name, path: leaf.path, status: .ready, reason: ""))
            } catch {
                let missing = error.message.contains("is not on this machine") || error.message.hasPrefix("data file not found")
                out.append(Outcome(task: leaf.name, path: leaf.path, status: missing ? .noData : .cannotRun, reason: firstLine(error.message)))
            }
        }
        return out
    }

    static func firstLine(_ text: String) -> String {
        text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
    }
}
