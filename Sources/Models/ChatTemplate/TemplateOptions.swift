/// The jinja2 environment settings a template is rendered under.
///
/// Hugging Face renders chat templates with `trim_blocks` and `lstrip_blocks`; lm-evaluation-
/// harness renders task templates with jinja2's defaults plus `keep_trailing_newline` and
/// `StrictUndefined`. The same template text renders differently under the two.
public struct TemplateOptions: Sendable, Hashable {
    /// The first newline after a block tag (`{% ... %}`) is removed.
    public var trimBlocks: Bool
    /// Spaces and tabs before a block tag on its line are removed.
    public var lstripBlocks: Bool
    /// A single newline at the very end of the template is kept (jinja2 drops it by default).
    public var keepTrailingNewline: Bool
    /// Using a missing variable, key or attribute is an error, except in `is defined`,
    /// `is undefined` and the `default` filter (jinja2's `StrictUndefined`).
    public var strictUndefined: Bool

    public init(trimBlocks: Bool = false, lstripBlocks: Bool = false, keepTrailingNewline: Bool = false, strictUndefined: Bool = false) {
        self.trimBlocks = trimBlocks
        self.lstripBlocks = lstripBlocks
        self.keepTrailingNewline = keepTrailingNewline
        self.strictUndefined = strictUndefined
    }

    /// transformers' `apply_chat_template` environment.
    public static let huggingFace = TemplateOptions(trimBlocks: true, lstripBlocks: true)
    /// lm-evaluation-harness's `utils.apply_template` environment.
    public static let lmEval = TemplateOptions(keepTrailingNewline: true, strictUndefined: true)
}
