import Diagnostics
import Testing

/// The one shape every user-facing failure is printed in, and its exit code.
@Suite("UserError: rendering, places and exit codes")
struct UserErrorTests {
    @Test("file:line:col leads, then the message; snippet, hint and cause each on their own line")
    func fullRendering() {
        let error = UserError(.config, "unknown key 'temprature' in 'model.params'",
                              place: Place(file: "conf/model/openai_chat.yaml", line: 4, column: 3),
                              hint: "did you mean 'temperature'?", cause: "libyaml: mapping", snippet: "  temprature: 0\n  ^")
        #expect(error.description == """
            conf/model/openai_chat.yaml:4:3: error: unknown key 'temprature' in 'model.params'
              temprature: 0
              ^
            hint: did you mean 'temperature'?
            cause: libyaml: mapping
            """)
    }

    @Test("each part of a place, alone and together", arguments: [
        (Place(file: "data/mcq.jsonl", line: 7), "data/mcq.jsonl:7: error: m"),
        (Place(file: "data/mcq.jsonl"), "data/mcq.jsonl: error: m"),
        (Place(keyPath: "task.scoring.mode"), "task.scoring.mode: error: m"),
        (Place(file: "conf/task/mcq.yaml", line: 3, column: 9, keyPath: "task.prompt"), "conf/task/mcq.yaml:3:9 (task.prompt): error: m"),
        (Place(file: "data/mcq.jsonl", line: 2, item: "item q1"), "data/mcq.jsonl:2 (item q1): error: m"),
        (Place(item: "doc 12"), "(doc 12): error: m"),
        (Place(), "error: m"),
    ])
    func places(place: Place, expected: String) {
        #expect(UserError(.data, "m", place: place).description == expected)
    }

    @Test("an override is named after the message, never as a prefix, and not twice")
    func overrides() {
        let typed = Place(file: "conf/config.yaml", line: 1, keyPath: "seed", override: "seed=abc")
        #expect(UserError(.usage, "seed must be an integer", place: typed).description == "error: seed must be an integer (in override 'seed=abc')")
        #expect(UserError(.usage, "cannot parse 'seed=abc'", place: typed).description == "error: cannot parse 'seed=abc'")
    }

    @Test("a cause already in the message is not repeated")
    func causeOnce() {
        let error = UserError(.runtime, "connection refused by 127.0.0.1:9", cause: "connection refused")
        #expect(error.description == "error: connection refused by 127.0.0.1:9")
    }

    @Test("mistakes found before running exit 2; failures while running, the run's own files included, exit 1", arguments: [
        (UserError.Kind.usage, Int32(2)), (.config, 2), (.data, 2), (.runtime, 1), (.io, 1),
    ])
    func exitCodes(kind: UserError.Kind, code: Int32) {
        #expect(UserError(kind, "m").exitCode == code)
    }

    @Test("places written as text read back into their parts", arguments: [
        ("data/mcq.jsonl:7", Place(file: "data/mcq.jsonl", line: 7)),
        ("a.yaml:3:5", Place(file: "a.yaml", line: 3, column: 5)),
        ("task.scoring.mode", Place(keyPath: "task.scoring.mode")),
        ("conf/task/mcq.yaml", Place(file: "conf/task/mcq.yaml")),
        ("model.gguf", Place(file: "model.gguf")),
        ("data.jsonl:2 (item q1)", Place(file: "data.jsonl", line: 2, item: "item q1")),
        ("tasks/arc.yaml (doc 4)", Place(file: "tasks/arc.yaml", item: "doc 4")),
        ("group.yaml:5:3 (aggregation)", Place(file: "group.yaml", line: 5, column: 3, keyPath: "aggregation")),
        ("", Place()),
    ])
    func parsing(text: String, place: Place) {
        #expect(Place(parsing: text) == place, "\(text)")
    }

    @Test("every part's own error type converts to the one shape")
    func conversion() {
        struct PartError: UserFacingError {
            var userError: UserError { UserError(.data, "bad line", place: Place(file: "x.jsonl", line: 1), hint: "fix it") }
        }
        let error: any Error = PartError()
        #expect((error as? any UserFacingError)?.userError.description == "x.jsonl:1: error: bad line\nhint: fix it")
        #expect(UserError(.io, "disk full").userError == UserError(.io, "disk full"))
    }
}
