import Foundation
import Models

/// The two Hugging Face caches a dataset can be found in offline, located by the libraries'
/// own rules (`datasets/config.py`, `huggingface_hub/constants.py`; the logic is shared with
/// model lookup in ``Models/HuggingFaceHubCache``):
///
/// - `datasets`: `HF_DATASETS_CACHE`, else `$HF_HOME/datasets`, else
///   `$XDG_CACHE_HOME/huggingface/datasets`, else `~/.cache/huggingface/datasets`;
/// - `hub`: `HF_HUB_CACHE`, else `HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub`, else the XDG or
///   home default.
///
/// An empty variable counts as unset (Python would take `""` as a relative path).
public struct HuggingFaceCachePaths: Sendable, Equatable {
    /// The datasets library's prepared Arrow files.
    public var datasets: String
    /// huggingface_hub's downloads (`datasets--ORG--NAME/snapshots/...`).
    public var hub: String

    public init(datasets: String, hub: String) {
        self.datasets = datasets
        self.hub = hub
    }

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, home: String = NSHomeDirectory()) {
        datasets = HuggingFaceHubCache.datasetsDirectory(environment: environment, home: home)
        hub = HuggingFaceHubCache.directory(environment: environment, home: home)
    }
}
