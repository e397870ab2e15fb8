import Testing
@testable import Config

@Suite("Typed configs")
struct ConfigDecoderTests {
    let base = """
    seed: 7
    model:
      name: openai_chat
      params: {model_name: gpt-4o, temperature: 0.2}
    task:
      name: mcq
      dataset:
        path: data.jsonl
        format: jsonl
        limit: 10
      prompt: {template: "{question}", few_shot: 2}
      scoring: {mode: loglikelihood, letters: [A, B]}
    response:
      max_concurrency: 4
      cache: {mode: read_only}
    """

    func decodeError(_ yaml: String) -> ConfigError? {
        configError { _ = try ConfigDecoder().decode(RunConfig.self, from: try node(yaml)) }
    }

    @Test("decodes the composed tree into RunConfig with defaults for what is absent")
    func decodes() throws {
        let run = try ConfigDecoder().decode(RunConfig.self, from: try node(base))
        #expect(run.seed == 7)
        #expect(run.model == LLMConfig(name: "openai_chat", params: try node("{model_name: gpt-4o, temperature: 0.2}")))
        // The task section is left to the task to decode, positions and all.
        #expect(run.task?.name == "mcq")
        #expect(run.task?.section.node(at: KeyPath(parsing: "prompt.few_shot"))?.value == .int(2))
        #expect(run.task?.section.node(at: KeyPath(parsing: "scoring.mode"))?.location?.line == 12)
        #expect(run.response.maxConcurrency == 4 && run.response.maxRetries == 5 && run.response.runAsync)
        #expect(run.response.cache.mode == .readOnly)
    }

    @Test("unknown keys name the path, the line and the nearest known key")
    func unknownKey() {
        let error = decodeError(base + "\n  max_concurrensy: 3\n")
        #expect(error?.code == .unknownKey)
        #expect(error?.keyPath == "response.max_concurrensy")
        #expect(error?.hint == "did you mean 'max_concurrency'?")
        #expect(error?.location?.line == 16)
    }

    @Test("wrong types say what was expected")
    func wrongType() {
        let error = decodeError(base.replacingAll("max_concurrency: 4", with: "max_concurrency: four"))
        #expect(error?.code == .typeMismatch)
        #expect(error?.description.contains("'response.max_concurrency' must be an integer, not a string ('four')") == true)
    }

    @Test("an integer beyond 64 bits is an error naming the key where an Int is read")
    func bigInteger() {
        let error = decodeError(base.replacingAll("seed: 7", with: "seed: 123456789012345678901234567890"))
        #expect(error?.code == .typeMismatch)
        #expect(error?.keyPath == "seed")
        #expect(error?.location?.line == 1)
        #expect(error?.message == "'seed' is too large: 123456789012345678901234567890 does not fit in a 64-bit integer")
        let narrow = decodeError(base.replacingAll("max_concurrency: 4", with: "max_concurrency: 99999999999999999999"))
        #expect(narrow?.keyPath == "response.max_concurrency")
    }

    @Test("an enum value outside its set lists the choices")
    func badEnum() {
        let error = decodeError(base.replacingAll("mode: read_only", with: "mode: readonly"))
        #expect(error?.code == .invalidValue)
        #expect(error?.hint?.hasPrefix("did you mean 'read_only'?") == true)
    }

    @Test("reading ??? is an error naming the key")
    func missing() {
        let error = decodeError(base.replacingAll("name: openai_chat", with: "name: ???"))
        #expect(error?.code == .missingValue)
        #expect(error?.description.contains("missing mandatory value 'model.name'") == true)
    }
}

@Suite("Secrets")
struct RedactorTests {
    @Test("credential-like keys are masked, tokenizer tokens and limits are not")
    func keys() {
        for key in ["api_key", "OPENAI_API_KEY", "token", "aa_token", "password", "client_secret"] {
            #expect(Redactor.isSecretKey(key), "\(key)")
        }
        for key in ["max_tokens", "eos_token", "api_key_env", "token_env", "tokens_per_minute", "tokenizer"] {
            #expect(!Redactor.isSecretKey(key), "\(key)")
        }
    }

    @Test("values are masked but interpolations and ??? are kept")
    func values() throws {
        let redacted = Redactor.redact(try node("api_key: sk-1\ntoken: ${oc.env:T}\npassword: ???\nnested: {aa_token: x}\n"))
        #expect(YAMLEmitter().emit(redacted) == "api_key: '***'\ntoken: ${oc.env:T}\npassword: ???\nnested:\n  aa_token: '***'\n")
        #expect(Redactor.redact(override: "+model.params.api_key=sk-1") == "+model.params.api_key=***")
        #expect(Redactor.redact(override: "model.params.temperature=1") == "model.params.temperature=1")
        // A password inside a URL is masked wherever the URL is shown.
        #expect(Redactor.redact(override: "response.cache.url=postgresql://u:hunter2@db:5432/e") == "response.cache.url=postgresql://u:***@db:5432/e")
        #expect(Redactor.redact(override: "response.cache.url=postgresql://u@db/e") == "response.cache.url=postgresql://u@db/e")
        #expect(Redactor.maskingURLPassword("http://host/a:b@c") == nil)
        let node = try YAMLLoader.load("cache:\n  url: postgres://a:p%40ss@h/d\n", file: "c.yaml")
        #expect(Redactor.redact(node).node(at: "cache.url")?.value == .string("postgres://a:***@h/d"))
    }
}
