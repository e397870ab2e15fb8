import Config
@testable import Models
import Testing

/// Each backend's params carry their own range rules (``BackendParams/rules``), which replaced
/// one table shared by every backend. These keep the rules honest: a rule for a key its params
/// do not have checks nothing, and a key named like a range-checked setting without a rule lets
/// `timeout=inf` or `batch_size=0` through to the run.
@Suite("Backends: params and their rules")
struct BackendParamsTests {
    /// The names the shared table checked, each backend's params included or not.
    static let rangeChecked: Set<String> = [
        "timeout", "request_timeout_seconds", "queue_full_timeout_seconds", "startup_timeout", "bytes_per_token", "repetition_penalty",
        "temperature", "top_p", "max_tokens", "max_gen_toks", "max_new_tokens", "maximum_tokens", "max_length", "context_window",
        "batch_size", "threads", "max_concurrency", "num_concurrent", "max_async_concurrent_requests", "n", "max_retries", "top_k",
        "top_logprobs", "base_url", "max_model_len", "tensor_parallel_size",
    ]

    /// The keys a `Decodable` type declares, read from the `CodingKeys` it asks a decoder for.
    struct KeyRecorder: Decoder {
        final class Box { var keys: [String] = [] }
        struct Stop: Error {}
        let box: Box
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] = [:]

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            if let all = Key.self as? any (CaseIterable & CodingKey).Type {
                func names<K: CaseIterable & CodingKey>(_ k: K.Type) -> [String] { K.allCases.map(\.stringValue) }
                box.keys = names(all)
            }
            throw Stop()
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Stop() }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { throw Stop() }
    }

    static func keys<P: BackendParams>(_ params: P.Type) -> [String] {
        let box = KeyRecorder.Box()
        _ = try? P(from: KeyRecorder(box: box))
        return box.keys
    }

    static func check<B: Backend>(_ backend: B.Type) -> (name: String, keys: [String], rules: [String: ParamRule]) {
        (B.name, keys(B.Params.self), B.Params.rules)
    }

    @Test("every built-in backend's params have strict keys, a rule for each range-checked key, and no rule for a key they lack")
    func rules() {
        #expect(ModelMap.builtIn.count == ModelMap.default.names.count)
        for backend in ModelMap.builtIn {
            let (name, keys, rules) = Self.check(backend)
            #expect(!keys.isEmpty, "\(name): its params' CodingKeys are not CaseIterable, so misspelt keys pass")
            let missing = Set(keys).intersection(Self.rangeChecked).subtracting(rules.keys)
            #expect(missing.isEmpty, "\(name): no range rule for \(missing.sorted())")
            let dead = Set(rules.keys).subtracting(keys)
            #expect(dead.isEmpty, "\(name): rules for keys it does not take: \(dead.sorted())")
        }
    }

    @Test("a value out of a backend's range is one config error at its key", arguments: [
        ("local_chat", "base_url: http://h/v1\nnum_concurrent: 0\n", "model.params.num_concurrent"),
        ("openai_chat", "model_name: m\ntimeout: .inf\n", "model.params.timeout"),
        ("aleph_alpha", "model_name: m\ntop_p: 1.5\n", "model.params.top_p"),
        ("anthropic", "model_name: m\ntop_k: -1\n", "model.params.top_k"),
        ("hf_local", "checkpoint_path: x.gguf\nbatch_size: 0\n", "model.params.batch_size"),
        ("vllm", "model_name: m\ntensor_parallel_size: 0\n", "model.params.tensor_parallel_size"),
    ])
    func outOfRange(backend: String, params: String, keyPath: String) {
        #expect {
            _ = try makeModel(backend, params, env: ["OPENAI_API_KEY": "k", "AA_TOKEN": "k", "ANTHROPIC_API_KEY": "k"])
        } throws: { ($0 as? ConfigError)?.keyPath == keyPath }
    }
}
