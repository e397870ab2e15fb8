import Testing
@testable import Tasks

@Suite("reading the chosen option from free text")
struct ChoiceParserTests {
    let letters = ChoiceParser(keys: ["A", "B", "C", "D"], texts: ["Berlin", "Madrid", "Paris", "Rome"], keysAreLetters: true)
    let labels = ChoiceParser(keys: ["yes", "no", "maybe"], texts: ["yes", "no", "maybe"], keysAreLetters: false)

    @Test("answers people and models write", arguments: [
        ("B", "B"), ("(B)", "B"), ("B.", "B"), ("b", "B"), ("Answer: B", "B"), ("answer: (c)", "C"),
        ("The answer is B.", "B"), ("The correct option is D", "D"), ("**C**", "C"), ("C) Paris", "C"),
        ("C. Paris", "C"), ("C Paris", "C"), ("Paris", "C"), ("It is Paris.", "C"), ("  \"A\"  ", "A"),
        ("I think B is right.", "B"), ("Let me think. Berlin is in Germany. So the answer is C.", "C"),
        ("Answer: A", "A"), ("[D]", "D"),
    ])
    func letterAnswers(text: String, expected: String) {
        #expect(letters.parse(text) == expected, "\(text)")
    }

    @Test("unreadable or ambiguous answers are null", arguments: [
        "", "I don't know", "A or B", "Paris or Rome", "E", "A cat sat on the mat", "none of them",
    ])
    func nullAnswers(text: String) {
        #expect(letters.parse(text) == nil, "\(text)")
    }

    @Test("label answers (yes / no / maybe)", arguments: [
        ("yes", "yes"), ("Yes.", "yes"), ("No", "no"), ("Maybe, the evidence is weak", "maybe"),
        ("Answer: no", "no"), ("The answer is maybe.", "maybe"), ("I would say yes", "yes"),
    ])
    func labelAnswers(text: String, expected: String) {
        #expect(labels.parse(text) == expected, "\(text)")
    }

    @Test("label answers naming two labels are null")
    func ambiguousLabels() {
        #expect(labels.parse("yes or no, it depends") == nil)
        #expect(labels.parse("unclear") == nil)
    }

    @Test("first-token logprobs pick the best option key, ignoring spaces and brackets")
    func firstTokenScores() {
        let logprobs = [TokenLogprobFixture.make(token: " B", logprob: -0.2, top: [" B": -0.2, "A": -1.5, "(C": -2.0, "The": -0.9])]
        let scores = FirstTokenScores.scores(logprobs, keys: ["A", "B", "C", "D"], keysAreLetters: true)
        #expect(scores == ["A": -1.5, "B": -0.2, "C": -2.0])
        let label = FirstTokenScores.scores([TokenLogprobFixture.make(token: "Yes", logprob: -0.1, top: ["Yes": -0.1, "No": -2.5, "may": -3])],
                                            keys: ["yes", "no", "maybe"], keysAreLetters: false)
        #expect(label == ["yes": -0.1, "no": -2.5, "maybe": -3])
    }
}

import Models

enum TokenLogprobFixture {
    static func make(token: String, logprob: Double, top: [String: Double]) -> TokenLogprob {
        TokenLogprob(token: token, logprob: logprob, top: top)
    }
}
