import TestSupport
import Foundation
import Testing

/// Mistakes in `task.tasks` and the folders it searches: each stops the run before anything
/// is written, with one error naming the key or file, a hint, and exit code 2.
@Suite("lm-eval task names: errors", .timeLimit(.minutes(2)))
struct LMEvalSuiteErrorTests {
    static let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TasksTests/Fixtures/LMEvalIndex/library").path

    static let groups: [String: String] = [
        "alpha.yaml": "task: alpha\ndataset_path: json\noutput_type: multiple_choice\n",
        "loop.yaml": "group: loop\ntask: [loop2]\n",
        "loop2.yaml": "group: loop2\ntask: [loop]\n",
        "holds_alpha.yaml": "group: holds_alpha\ntask: [alpha]\n",
        "median.yaml": "group: med\ntask: [alpha]\naggregate_metric_list:\n  - metric: acc\n    aggregation: median\n",
    ]

    @Test("each mistake is one error with its place and a hint; nothing is written", arguments: [
        (["task.tasks=[arc_easy]", "task.path=x.yaml"], ["give task.tasks (names) or task.path (one file), not both", "task.tasks"]),
        (["task.tasks=[arc_easy]", "task.library=/nonexistent/lm_eval/tasks"], ["task library '/nonexistent/lm_eval/tasks' is not a folder", "task.library"]),
        (["task.tasks=[arc_easy]", "task.library=LIBRARY", "task.include_path=[/nonexistent/tasks]"], ["include path '/nonexistent/tasks' is not a folder"]),
        (["task.tasks=[arc_esy]", "task.library=LIBRARY"], ["unknown lm-eval task, group or tag 'arc_esy'", "did you mean 'arc_easy'"]),
        (["task.tasks=[arc_easy]", "task.python=/nonexistent/bin/python"], ["no lm-eval task library found", "task.library"]),
        (["task.tasks=[loop]", "task.include_path=[GROUPS]"], ["group 'loop' contains itself: loop -> loop2 -> loop"]),
        (["task.tasks=[holds_alpha,alpha]", "task.include_path=[GROUPS]"], ["task 'alpha' is in both 'holds_alpha' and 'alpha'", "task.tasks"]),
        (["task.tasks=[med]", "task.include_path=[GROUPS]"], ["median.yaml:5", "aggregation 'median' of a group: only 'mean' is known"]),
    ] as [([String], [String])])
    func mistakes(overrides: [String], fragments: [String]) async throws {
        let directory = try TemporaryDirectory()
        try directory.write(Dictionary(uniqueKeysWithValues: Self.groups.map { ("groups/" + $0.key, $0.value) }))
        let resolved = overrides.map {
            $0.replacingOccurrences(of: "LIBRARY", with: Self.library).replacingOccurrences(of: "GROUPS", with: directory.url.path + "/groups")
        }
        // No virtualenv, so the library is only what the overrides give.
        let result = try await RunnerProcess.run(["+model=local_chat", "+task=lm_eval", "model.params.base_url=http://127.0.0.1:9/v1",
                                                  "hydra.run.dir=\(directory.url.path)/out"] + resolved,
                                                 environment: ["VIRTUAL_ENV": "", "XDG_CACHE_HOME": directory.url.path + "/cache"])
        expectUserError(result, contains: fragments)
        #expect(!FileManager.default.fileExists(atPath: directory.url.path + "/out"), "nothing written")
    }
}
