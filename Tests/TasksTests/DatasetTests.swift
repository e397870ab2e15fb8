import Config
import Foundation
import Models
import Testing
@testable import Tasks

@Suite("datasets, templates and multiple-choice items")
struct DatasetTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tasks-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func loadError(_ config: DatasetConfig, required: [String] = ["question"]) -> TaskError? {
        do { _ = try DatasetLoader.load(config, required: required); return nil } catch { return error }
    }

    @Test("a malformed JSONL line is named by file and line number")
    func malformedLine() throws {
        let path = try file("bad.jsonl", "{\"question\": \"a\"}\n\n{\"question\": \"b\"\n")
        let error = try #require(loadError(DatasetConfig(path: path)))
        #expect(error.place == "\(path):3")
        #expect(error.message.hasPrefix("line is not valid JSON"))
        #expect(error.hint != nil)
        let array = try file("array.jsonl", "[1, 2]\n")
        #expect(loadError(DatasetConfig(path: array))?.message == "line is a JSON array, not an object")
    }

    @Test("Windows line endings, a byte order mark and no final newline load, in JSONL and CSV")
    func lineEndings() throws {
        let jsonl = "\u{FEFF}{\"id\": \"a\", \"question\": \"x\"}\r\n\r\n{\"id\": \"b\", \"question\": \"y\"}"
        let items = try DatasetLoader.load(DatasetConfig(path: try file("crlf.jsonl", jsonl)), required: ["question"]).all()
        #expect(items.map(\.id) == ["a", "b"])
        #expect(items[1].place.hasSuffix(":3"))
        let csv = "\u{FEFF}id,question\r\n1,\"two\r\nlines\"\r\n2,last"
        let rows = try DatasetLoader.load(DatasetConfig(path: try file("crlf.csv", csv), format: .csv), required: ["question"]).all()
        #expect(rows.map(\.id) == ["1", "2"])
        #expect(rows[1]["question"] == .string("last"))
        // Inside quotes the line break is kept as written, as Python's csv module keeps it.
        #expect(rows[0]["question"] == .string("two\r\nlines"))
    }

    @Test("a sample line that cannot be written is reported, not dropped")
    func unwritableSamples() throws {
        let appender = try LineAppender(path: "/dev/full")
        appender.append("{\"id\": 1}")
        #expect(throws: TaskError.self) { try appender.check() }
        #expect((try? appender.check()) == nil)
        do { try appender.check() } catch { #expect(error.userError.kind == .io) }
    }

    @Test("missing files, fields and duplicate ids are errors with a hint")
    func missing() throws {
        #expect(loadError(DatasetConfig(path: folder.path + "/nope.jsonl"))?.message == "dataset file not found")
        let path = try file("fields.jsonl", "{\"id\": 1, \"q\": \"x\"}\n")
        let error = try #require(loadError(DatasetConfig(path: path)))
        #expect(error.message == "record has no field 'question'")
        #expect(error.hint?.contains("task.dataset.fields.question") == true)
        let dup = try file("dup.jsonl", "{\"id\": 1, \"question\": \"x\"}\n{\"id\": 1, \"question\": \"y\"}\n")
        #expect(loadError(DatasetConfig(path: dup))?.message == "duplicate item id '1' (first on line 1)")
    }

    @Test("CSV with quoted commas, quotes and line breaks; several columns become the choices")
    func csv() throws {
        let path = try file("q.csv", "id,question,opa,opb,answer\n1,\"Hello, \"\"world\"\"\nagain\",x,y,B\n2,plain,p,q,A\n")
        let items = try DatasetLoader.load(DatasetConfig(path: path, format: .csv, fields: ["choices": .columns(["opa", "opb"])]),
                                           required: ["question", "choices", "answer"]).all()
        #expect(items.count == 2)
        #expect(items[0]["question"] == .string("Hello, \"world\"\nagain"))
        #expect(items[0]["choices"] == .array(["x", "y"]))
        #expect(items[1].place == "\(path):4")
        // A CSV under another name is read as JSONL when no format is given: the hint says why.
        let guessed = try file("q.txt", "question,answer\nq?,A\n")
        let error = try #require(loadError(DatasetConfig(path: guessed), required: []))
        #expect(error.place == "\(guessed):1")
        #expect(error.hint?.contains("task.dataset.format=csv") == true)
        #expect(loadError(DatasetConfig(path: guessed, format: .jsonl), required: [])?.hint?.contains("format=csv") == false)
        let ragged = try file("ragged.csv", "a,b\n1,2,3\n")
        #expect(loadError(DatasetConfig(path: ragged, format: .csv), required: [])?.place == "\(ragged):2")
    }

    @Test("a seeded shuffle is the same every time, and limit applies after it")
    func shuffle() throws {
        let path = try file("many.jsonl", (0..<50).map { "{\"id\": \($0), \"question\": \"q\($0)\"}" }.joined(separator: "\n"))
        let a = try DatasetLoader.load(DatasetConfig(path: path, limit: 10, shuffle: true, seed: 3), required: ["question"]).all().map(\.id)
        let b = try DatasetLoader.load(DatasetConfig(path: path, limit: 10, shuffle: true, seed: 3), required: ["question"]).all().map(\.id)
        let c = try DatasetLoader.load(DatasetConfig(path: path, limit: 10, shuffle: true, seed: 4), required: ["question"]).all().map(\.id)
        #expect(a == b && a != c && a.count == 10)
        #expect(a != (0..<10).map(String.init))
    }

    @Test("templates fill fields, keep doubled braces, and reject stray ones")
    func templates() throws {
        let t = try PromptTemplate("Q: {question} {{json}}", key: "k")
        #expect(t.render(["question": "why"]) == "Q: why {json}")
        #expect(t.missing(from: ["other"]) == ["question"])
        #expect(throws: TaskError.self) { try PromptTemplate("{open", key: "k") }
        #expect(throws: TaskError.self) { try PromptTemplate("close}", key: "k") }
        #expect(throws: TaskError.self) { try PromptTemplate("{}", key: "k") }
    }

    @Test("gold answers as a letter, an index or the option's text; anything else is an error naming the item")
    func golds() throws {
        func item(_ answer: JSONValue) -> DatasetItem {
            DatasetItem(id: "q1", fields: ["choices": ["red", "green", "blue"], "answer": answer], place: "f.jsonl:4")
        }
        let keys = ["A", "B", "C", "D"]
        #expect(try MultipleChoiceTask.readOptions(item("B"), keys: keys, labels: nil).gold == "B")
        #expect(try MultipleChoiceTask.readOptions(item(2), keys: keys, labels: nil).gold == "C")
        #expect(try MultipleChoiceTask.readOptions(item("green"), keys: keys, labels: nil).gold == "B")
        #expect(throws: TaskError("gold answer 'D' is not an option", at: "f.jsonl:4 (item q1)",
                                  hint: "use a letter (A/B/C), a 0-based index, or one option's exact text")) {
            try MultipleChoiceTask.readOptions(item("D"), keys: keys, labels: nil)
        }
        #expect(throws: TaskError.self) { try MultipleChoiceTask.readOptions(item(.null), keys: keys, labels: nil) }
        #expect(throws: TaskError.self) { try MultipleChoiceTask.readOptions(item(5), keys: keys, labels: nil) }
    }
}
