import Diagnostics
import Testing

/// The one did-you-mean: which typos it answers, and the hint's words.
@Suite("Did-you-mean hints")
struct DidYouMeanTests {
    @Test("a likely typo is matched (within a third of the word, at most 3 edits, case ignored); a far word is not")
    func closest() {
        #expect(DidYouMean.closest(to: "temprature", in: ["temperature", "top_p"]) == "temperature")
        #expect(DidYouMean.closest(to: "TOP_P", in: ["temperature", "top_p"]) == "top_p")
        #expect(DidYouMean.closest(to: "seed", in: ["temperature", "top_p"]) == nil)
        #expect(DidYouMean.closest(to: "ab", in: ["xy"]) == nil, "two edits in a two-letter word is not a typo")
        #expect(DidYouMean.closest(to: "mcq", in: ["mcq", "qa"]) == nil, "the word itself is no suggestion")
        #expect(DidYouMean.editDistance("kitten", "sitting") == 3)
    }

    @Test("the hint leads with the guess and keeps what follows; nothing close keeps the rest alone")
    func hints() {
        #expect(DidYouMean.hint("temprature", among: ["temperature"], then: "known: temperature") == "did you mean 'temperature'? known: temperature")
        #expect(DidYouMean.hint("seed", among: ["temperature"], then: "known: temperature") == "known: temperature")
        #expect(DidYouMean.hint("colur", among: ["colour"], shown: { "{\($0)}" }) == "did you mean '{colour}'?")
        #expect(DidYouMean.hint("seed", among: ["colour"]) == nil)
        #expect(DidYouMean.hint("submitit_folder", among: ["slurm_folder", "partition"], renamed: ["submitit_folder": "slurm_folder"],
                                shown: { "hydra.launcher.\($0)" }, then: "settings: ...") == "did you mean 'hydra.launcher.slurm_folder'? settings: ...")
    }
}
