import Models

/// lm-eval's implicit "multiple input" mode (Winogrande): when `doc_to_text` gives an integer
/// and the task has `doc_to_choice`, each choice is a context of its own, `doc_to_target` is
/// the one continuation scored after every context, and the integer is the gold choice.
/// lm-eval decides it from the first document, as here; few-shot examples show their gold
/// context followed by the target.
enum LMEvalMultipleInput {
    /// True when the first document's `doc_to_text` is an integer and the task has choices.
    ///
    /// - Throws: ``TaskError`` for an output type other than multiple_choice, where lm-eval
    ///   would hand the model a list of contexts it cannot use.
    static func detect(_ definition: LMEvalTaskDefinition, documents: LMEvalDocuments, firstDocument: TemplateValue) throws(TaskError) -> Bool {
        guard definition.docToChoice != nil, case .int? = try? documents.text(definition.docToText, firstDocument) else { return false }
        guard definition.outputType == .multipleChoice else {
            throw TaskError("doc_to_text gives a choice index (lm-eval's multiple-input mode), which only a multiple_choice task can score",
                            at: definition.source, hint: "set output_type: multiple_choice, or make doc_to_text give text")
        }
        return true
    }

    /// The example's question in this mode: the context of its gold choice (`c[q]`).
    static func goldContext(_ question: TemplateValue, choices: [TemplateValue], place: String) throws(TaskError) -> TemplateValue {
        guard case .int(let index) = question else {
            throw TaskError("in the multiple-input mode doc_to_text must give a choice index for every document, not \(LMEvalDocuments.kind(question))",
                            at: place, hint: "lm-eval decides the mode from the first document")
        }
        guard choices.indices.contains(index) || (index < 0 && -index <= choices.count) else {
            throw TaskError("doc_to_text gave index \(index), and the example has \(choices.count) choices", at: place)
        }
        return choices[index < 0 ? choices.count + index : index]
    }

    /// One prompt per choice: the shared description and examples, then the choice as the
    /// document's own turn (no target delimiter: the continuation brings it).
    static func contexts(shared: LMEvalPrompt, choices: [TemplateValue], place: String) throws(TaskError) -> [LMEvalPrompt] {
        try choices.map { (choice) throws(TaskError) -> LMEvalPrompt in
            var prompt = shared
            prompt.messages += try LMEvalPrompt.turn(question: choice, choices: nil, answer: nil, genPrefix: shared.genPrefix,
                                                     targetDelimiter: "", fewshotDelimiter: "", place: place)
            return prompt
        }
    }
}
