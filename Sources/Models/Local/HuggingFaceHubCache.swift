import Foundation

/// Where huggingface_hub keeps the models it downloaded, found by its own rules
/// (`huggingface_hub/constants.py`), so that `model_name: ORG/NAME` finds what
/// `huggingface-cli download` put there.
public enum HuggingFaceHubCache {
    /// The hub cache folder: `HF_HUB_CACHE`, else its older name `HUGGINGFACE_HUB_CACHE`, else
    /// `$HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`;
    /// a leading `~` is the home folder, as Python's `expanduser` reads it. Empty values count
    /// as unset.
    ///
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - home: the home folder.
    public static func directory(environment: [String: String], home: String = NSHomeDirectory()) -> String {
        if let hub = value("HF_HUB_CACHE", environment) ?? value("HUGGINGFACE_HUB_CACHE", environment) { return expand(hub, home: home) }
        return huggingFaceHome(environment: environment, home: home) + "/hub"
    }

    /// The datasets library's Arrow cache (`datasets/config.py`): `HF_DATASETS_CACHE`, else
    /// `$HF_HOME/datasets`, else `$XDG_CACHE_HOME/huggingface/datasets`, else
    /// `~/.cache/huggingface/datasets`; `~` expanded as `datasets` does.
    public static func datasetsDirectory(environment: [String: String], home: String = NSHomeDirectory()) -> String {
        if let datasets = value("HF_DATASETS_CACHE", environment) { return expand(datasets, home: home) }
        return huggingFaceHome(environment: environment, home: home) + "/datasets"
    }

    /// `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`: the root both
    /// libraries put their caches under.
    public static func huggingFaceHome(environment: [String: String], home: String = NSHomeDirectory()) -> String {
        expand(value("HF_HOME", environment) ?? ((value("XDG_CACHE_HOME", environment) ?? home + "/.cache") + "/huggingface"), home: home)
    }

    private static func value(_ name: String, _ environment: [String: String]) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func expand(_ path: String, home: String) -> String {
        path == "~" ? home : path.hasPrefix("~/") ? home + path.dropFirst() : path
    }
}
