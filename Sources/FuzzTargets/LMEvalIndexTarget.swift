import Foundation
@testable import Tasks

/// lm-eval's task index reads every YAML file of a folder (a library someone else wrote): the
/// top-level key scanner, then a folder of two such files (`a.yaml`, and `b_yaml` that any
/// `include` may name, itself included) indexed without a cache.
enum LMEvalIndexTarget {
    static let folder: String = {
        let path = NSTemporaryDirectory() + "runner-fuzz-lmeval-index-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static func index(_ data: [UInt8]) {
        _ = LMEvalTopLevelKeys.scan(data)
        _ = FileManager.default.createFile(atPath: folder + "/a.yaml", contents: Data(data))
        _ = FileManager.default.createFile(atPath: folder + "/b_yaml", contents: Data(data))
        shaped("lmeval_index") {
            let index = try LMEvalTaskIndex.build(includePaths: [folder], library: nil, cacheFolder: nil)
            for entry in index.entries.prefix(3) { _ = index.suggestions(for: entry.name + "x") }
            _ = index.unknownNameError("fuzz", place: "task.tasks")
        }
    }
}
