import Config

/// One `!function module.name` of a task file: the function and the YAML file that names it.
///
/// The module is `module.py` beside THAT file (as lm-eval's YAML loader resolves it), which is
/// not the task's own file when the hook comes from an `include`.
struct LMEvalHook: Sendable, Hashable {
    /// `module.name` as written.
    var function: String
    /// The YAML file the tag is in.
    var yamlFile: String
    /// `file:line:col (key)`, for errors about the hook itself.
    var place: String

    /// The hook a node holds, or `nil` for a node without the `!function` tag.
    init?(_ node: ConfigNode, key: String) {
        guard node.tag == "!function", let name = node.string, let location = node.location else { return nil }
        function = name
        yamlFile = location.file
        place = LMEvalTaskFile.place(node, key)
    }

    init(function: String, yamlFile: String, place: String) {
        self.function = function
        self.yamlFile = yamlFile
        self.place = place
    }

    /// The function's own name (lm-eval names a `metric: !function` metric by it).
    var name: String { function.split(separator: ".").last.map(String.init) ?? function }
}
