import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// OpenAI's chat completions (with logprobs and streaming), completions (with echo), and
/// moderations; the Batch API's files and batches are `FakeBatches.swift`.
extension FakeLLMServer {
    func usage(_ prompt: String, _ answer: String) -> [String: Int] {
        let p = FakeAnswers.tokens(prompt).count, c = FakeAnswers.tokens(answer).count
        return ["prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c]
    }

    /// `POST /v1/moderations` with `{model, input}` (a text or a list): flags what
    /// ``FakeAnswers/isUnsafe(_:)`` calls unsafe, in the categories violence and hate.
    func moderation(_ body: Data, fd: Int32) -> Bool {
        guard let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            respond(fd, status: 400, json: ["error": ["message": "body is not a JSON object", "type": "invalid_request_error"]])
            return true
        }
        let inputs = (json["input"] as? [String]) ?? [(json["input"] as? String) ?? ""]
        if let fault = inputs.lazy.compactMap({ self.chooseFault($0) }).first { return inject(fault, fd: fd, dialect: .openAI) }
        let results: [[String: Any]] = inputs.map { text in
            let unsafe = FakeAnswers.isUnsafe(text)
            return ["flagged": unsafe,
                    "categories": ["violence": unsafe, "hate": unsafe, "sexual": false, "self-harm": false],
                    "category_scores": ["violence": unsafe ? 0.91 : 0.01, "hate": unsafe ? 0.62 : 0.002, "sexual": 0.001, "self-harm": 0.0005]]
        }
        respond(fd, status: 200, json: ["id": "modr-fake", "model": json["model"] ?? "omni-moderation-latest", "results": results])
        return true
    }

    /// A chat completion's body, as the batch output file carries it.
    func chatBody(_ json: [String: Any], prompt: String) -> [String: Any] {
        let answer = FakeAnswers.answer(to: prompt)
        return ["id": "chatcmpl-fake", "object": "chat.completion", "model": json["model"] as? String ?? "fake-model",
                "choices": [["index": 0, "message": ["role": "assistant", "content": answer], "finish_reason": "stop"]],
                "usage": usage(prompt, answer)]
    }


    func chat(_ json: [String: Any], prompt: String, fd: Int32) -> Bool {
        let answer = FakeAnswers.answer(to: prompt)
        let model = json["model"] as? String ?? "fake-model"
        var choice: [String: Any] = ["index": 0, "message": ["role": "assistant", "content": answer], "finish_reason": "stop"]
        if json["logprobs"] as? Bool == true, !prompt.contains("[nologprobs]") {
            let top = json["top_logprobs"] as? Int ?? 0
            choice["logprobs"] = ["content": FakeAnswers.tokens(answer).enumerated().map { index, token -> [String: Any] in
                let lp = FakeAnswers.logprob(token, position: index)
                let alternatives = (0..<top).map { k -> [String: Any] in
                    k == 0 ? ["token": token, "logprob": lp] : ["token": ["A", "B", "C", "D"][k % 4] + "'", "logprob": lp - Double(k)]
                }
                return ["token": token, "logprob": lp, "top_logprobs": alternatives]
            }]
        }
        if json["stream"] as? Bool == true {
            var head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
            for piece in FakeAnswers.tokens(answer) {
                let chunk: [String: Any] = ["object": "chat.completion.chunk", "model": model,
                                            "choices": [["index": 0, "delta": ["content": piece], "finish_reason": NSNull()]]]
                head += "data: " + String(decoding: (try? JSONSerialization.data(withJSONObject: chunk, options: [.sortedKeys])) ?? Data(), as: UTF8.self) + "\n\n"
            }
            head += "data: [DONE]\n\n"
            send(fd, Data(head.utf8))
            return false
        }
        respond(fd, status: 200, json: ["id": "chatcmpl-fake", "object": "chat.completion", "model": model,
                                        "choices": [choice], "usage": usage(prompt, answer)])
        return true
    }

    func completions(_ json: [String: Any], prompt: String, fd: Int32) -> Bool {
        let echo = json["echo"] as? Bool ?? false
        let wantLogprobs = json["logprobs"] as? Int
        let maxTokens = json["max_tokens"] as? Int ?? 16
        let answer = maxTokens == 0 ? "" : (echo ? " " + FakeAnswers.answer(to: prompt) : FakeAnswers.answer(to: prompt))
        var choice: [String: Any] = ["index": 0, "text": echo ? prompt + answer : answer, "finish_reason": maxTokens <= 1 && echo ? "length" : "stop"]
        if wantLogprobs != nil {
            let promptTokens = echo ? FakeAnswers.tokens(prompt) : []
            let all = promptTokens + FakeAnswers.tokens(answer)
            let nongreedy = prompt.contains("[nongreedy]")
            var offsets: [Int] = []
            var position = 0
            for token in all { offsets.append(position); position += token.unicodeScalars.count }
            let preferred = FakeAnswers.preferred(in: prompt)
            let values: [Any] = all.enumerated().map { index, token in
                if echo && index == 0 { return NSNull() }
                if let preferred, echo, index == promptTokens.count - 1 { return FakeAnswers.preferenceLogprob(token, preferred: preferred) }
                return FakeAnswers.logprob(token, position: index)
            }
            let tops: [Any] = all.enumerated().map { index, token in
                if echo && index == 0 { return NSNull() }
                if let preferred, echo, index == promptTokens.count - 1 {
                    let lp = FakeAnswers.preferenceLogprob(token, preferred: preferred)
                    return lp > -1 ? [token: lp] : [token: lp, " " + preferred: -0.1]
                }
                return FakeAnswers.top(token, position: index, greedy: !(nongreedy && index >= promptTokens.count / 2))
            }
            choice["logprobs"] = ["tokens": all, "token_logprobs": values, "top_logprobs": tops, "text_offset": offsets]
        }
        respond(fd, status: 200, json: ["id": "cmpl-fake", "object": "text_completion", "model": json["model"] as? String ?? "fake-model",
                                        "choices": [choice], "usage": usage(prompt, answer)])
        return true
    }
}
