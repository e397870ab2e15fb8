import Config
@testable import Models
import Testing

/// A backend's `modelDict` is the cache identity every stored answer is filed under: a change
/// to its text orphans every user's cache. These pins hold the text each backend wrote before
/// backends were built from one settings value; a refactor must leave them equal.
@Suite("Backends: the cache identity (modelDict) is pinned")
struct BackendIdentityTests {
    @Test("each HTTP backend's modelDict for a fixed config", arguments: [
        ("openai_chat", "model_name: gpt-4o\ntemperature: 0.5\ntop_p: 0.9\nmax_tokens: 100\nbytes_per_token: 2.0\nseed: 7\nstop: [x]\nn: 2\nlogprobs: true\ntop_logprobs: 3\ntimeout: 9\n",
         #"{"backend":"openai_chat","base_url":"https://api.openai.com/v1","endpoint":"chat/completions","logprobs":true,"max_tokens":200,"model":"gpt-4o","n":2,"seed":7,"stop":["x"],"temperature":0.5,"top_logprobs":3,"top_p":0.9}"#),
        ("openai_chat", "model_name: gpt-4o\n", #"{"backend":"openai_chat","base_url":"https://api.openai.com/v1","endpoint":"chat/completions","logprobs":false,"model":"gpt-4o","temperature":0.0}"#),
        ("openai_chat", "model_name: gpt-4o\nbase_url: https://res.openai.azure.com\nazure_deployment: dep\n", #"{"azure_deployment":"dep","backend":"openai_chat","base_url":"https://res.openai.azure.com","endpoint":"chat/completions","logprobs":false,"model":"gpt-4o","temperature":0.0}"#),
        ("openai_completion", "model_name: davinci-002\nmax_tokens: 10\nseed: 3\nstop: [a, b]\ntop_logprobs: 2\nformatter_name: ChatMLFormatter\n", #"{"backend":"openai_completion","base_url":"https://api.openai.com/v1","endpoint":"completions","formatter":"ChatMLFormatter","logprobs":2,"max_tokens":10,"model":"davinci-002","seed":3,"stop":["a","b"],"temperature":0.0}"#),
        ("openai_completion", "model_name: davinci-002\n", #"{"backend":"openai_completion","base_url":"https://api.openai.com/v1","endpoint":"completions","formatter":"ConcatFormatter","model":"davinci-002","temperature":0.0}"#),
        ("local_chat", "base_url: http://h:1/v1\nmodel: m\nmax_gen_toks: 12\nseed: 5\neos_string: </s>\ntemperature: 0.3\ntop_p: 0.5\nnum_concurrent: 4\n", #"{"backend":"local_chat","base_url":"http://h:1/v1","endpoint":"chat/completions","logprobs":false,"max_tokens":12,"model":"m","seed":5,"stop":["</s>"],"temperature":0.3,"top_p":0.5}"#),
        ("local_chat", "base_url: http://h:1/v1\n", #"{"backend":"local_chat","base_url":"http://h:1/v1","endpoint":"chat/completions","logprobs":false,"max_tokens":256,"model":"default","temperature":0.0}"#),
        ("local_completions", "base_url: http://h:1/v1\nmodel: m\nmax_gen_toks: 12\nseed: 5\neos_string: </s>\n", #"{"backend":"local_completions","base_url":"http://h:1/v1","endpoint":"completions","formatter":"ConcatFormatter","max_tokens":12,"model":"m","seed":5,"stop":["</s>"],"temperature":0.0}"#),
        ("aleph_alpha", "model_name: luminous-base\nmaximum_tokens: 20\ntemperature: 0.1\ntop_p: 0.7\nstop_sequences: [\"\\n\"]\nbytes_per_token: 4.0\n", #"{"backend":"aleph_alpha","base_url":"https://api.aleph-alpha.com","endpoint":"complete","formatter":"ConcatFormatter","maximum_tokens":20,"model":"luminous-base","stop_sequences":["\n"],"temperature":0.1,"top_p":0.7}"#),
        ("anthropic", "model_name: claude-test\nmax_tokens: 64\ntemperature: 0.2\ntop_p: 0.9\ntop_k: 3\nstop_sequences: [x]\nanthropic_version: 2023-06-01\ntimeout: 9\n",
         #"{"backend":"anthropic","base_url":"https://api.anthropic.com","endpoint":"messages","max_tokens":64,"model":"claude-test","stop_sequences":["x"],"temperature":0.2,"top_k":3,"top_p":0.9}"#),
        ("anthropic", "model_name: claude-test\n",
         #"{"backend":"anthropic","base_url":"https://api.anthropic.com","endpoint":"messages","max_tokens":256,"model":"claude-test","temperature":0.0}"#),
        ("aleph_alpha", "model_name: luminous-base\n", #"{"backend":"aleph_alpha","base_url":"https://api.aleph-alpha.com","endpoint":"complete","formatter":"ConcatFormatter","model":"luminous-base","temperature":0.0}"#),
    ])
    func pinned(backend: String, params: String, expected: String) throws {
        let model = try makeModel(backend, params, env: ["OPENAI_API_KEY": "sk-x", "AA_TOKEN": "aa-x", "ANTHROPIC_API_KEY": "sk-ant-x"])
        #expect(model.modelDict.canonicalString == expected)
    }
}
