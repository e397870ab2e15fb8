@testable import Models
import Testing

/// The hub cache folder, by huggingface_hub's rules (`huggingface_hub/constants.py`).
@Suite("the Hugging Face hub cache folder")
struct HuggingFaceHubCacheTests {
    @Test("HF_HUB_CACHE, then HUGGINGFACE_HUB_CACHE, then HF_HOME/hub, then XDG_CACHE_HOME, then ~/.cache", arguments: [
        (["HF_HUB_CACHE": "/a", "HUGGINGFACE_HUB_CACHE": "/b", "HF_HOME": "/c"], "/a"),
        (["HUGGINGFACE_HUB_CACHE": "/b", "HF_HOME": "/c", "XDG_CACHE_HOME": "/x"], "/b"),
        (["HF_HUB_CACHE": "", "HUGGINGFACE_HUB_CACHE": "/b"], "/b"),
        (["HF_HOME": "/c", "XDG_CACHE_HOME": "/x"], "/c/hub"),
        (["XDG_CACHE_HOME": "/x"], "/x/huggingface/hub"),
        ([:], "/home/u/.cache/huggingface/hub"),
        (["HUGGINGFACE_HUB_CACHE": "~/hub"], "/home/u/hub"),
        (["HF_HOME": "~/hf"], "/home/u/hf/hub"),
    ])
    func precedence(environment: [String: String], expected: String) {
        #expect(HuggingFaceHubCache.directory(environment: environment, home: "/home/u") == expected)
    }
}
