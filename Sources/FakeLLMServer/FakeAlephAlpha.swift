import Foundation

/// Aleph Alpha's `POST /complete` at the API's root, with echo and log_probs.
extension FakeLLMServer {
    func alephAlpha(_ json: [String: Any], prompt: String, fd: Int32) -> Bool {
        let echo = json["echo"] as? Bool ?? false
        let maxTokens = json["maximum_tokens"] as? Int ?? 64
        let answer = maxTokens == 0 ? "" : FakeAnswers.answer(to: prompt)
        var completion: [String: Any] = ["completion": answer, "finish_reason": "maximum_tokens"]
        if json["log_probs"] != nil {
            let tokens = (echo ? FakeAnswers.tokens(prompt) : []) + FakeAnswers.tokens(answer)
            completion["completion_tokens"] = tokens
            completion["log_probs"] = tokens.enumerated().map { index, token in [token: FakeAnswers.logprob(token, position: index)] }
        }
        respond(fd, status: 200, json: ["model_version": "fake", "completions": [completion],
                                        "num_tokens_prompt_total": FakeAnswers.tokens(prompt).count,
                                        "num_tokens_generated": FakeAnswers.tokens(answer).count])
        return true
    }
}
