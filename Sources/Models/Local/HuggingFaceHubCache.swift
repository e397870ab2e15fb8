import Foundation

/// Where huggingface_hub keeps the models it downloaded, found by its own rules
/// (`huggingface_hub/constants.py`), so that `model_name: ORG/NAME` finds what
/// `huggingface-cli download` put there.
enum HuggingFaceHubCache {
    /// The hub cache folder: `HF_HUB_CACHE`, else its older name `HUGGINGFACE_HUB_CACHE`, else
    /// `$HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`;
    /// a leading `~` is the home folder, as Python's `expanduser` reads it. Empty values count
    /// as unset.
    ///
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - home: the home folder.
    static func directory(environment: [String: String], home: String = NSHomeDirectory()) -> String {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func expand(_ path: String) -> String {
            path == "~" ? home : path.hasPrefix("~/") ? home + path.dropFirst() : path
        }
        if let hub = value("HF_HUB_CACHE") ?? value("HUGGINGFACE_HUB_CACHE") { return expand(hub) }
        let hfHome = value("HF_HOME") ?? ((value("XDG_CACHE_HOME") ?? home + "/.cache") + "/huggingface")
        return expand(hfHome) + "/hub"
    }
}
