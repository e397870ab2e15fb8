import TestSupport
import Config
import Foundation
import Models
import Testing
@testable import Tasks

@Suite("datasets, templates and multiple-choice items")
struct DatasetTests {
    let temporary: TemporaryDirectory
    var folder: URL { temporary.url }

    init() throws {
        temporary = try TemporaryDirectory("tasks-tests")
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func loadError(_ config: DatasetConfig, required: [String] = ["question"]) -> TaskError? {
        do { _ = try DatasetLoader.load(config, required: required); return nil } catch { return error }
    }

    @Test("a malformed JSONL line is named by file, line and column, shown with a caret, with a hint for JSON Lines")
    func malformedLine() throws {
        let path = try file("bad.jsonl", "{\"question\": \"a\"}\n\n{\"question\": \"b\"\n")
        let error = try #require(loadError(DatasetConfig(path: path)))
        #expect(error.place == "\(path):3:17")
        #expect(error.message == "line is not valid JSON: expecting ',' or '}', found the end")
        #expect(error.hint == "each line of a JSON Lines file is one whole JSON object, like {\"question\": ..., \"answer\": ...}; "
            + "this line ends before its value does, and a value may not continue on the next line")
        #expect(error.description == """
        \(path):3:17: error: line is not valid JSON: expecting ',' or '}', found the end
         3 | {"question": "b"
           |                 ^
        hint: \(error.hint!)
        """)
        let middle = try file("middle.jsonl", #"{"question": "a" "answer": "b"}"#)
        let inside = try #require(loadError(DatasetConfig(path: middle)))
        #expect(inside.place == "\(middle):1:18")
        #expect(inside.message == "line is not valid JSON: expecting ',' or '}'")
        #expect(inside.snippet?.hasSuffix("\n   |                  ^") == true)
        let array = try file("array.jsonl", "[1, 2]\n")
        #expect(loadError(DatasetConfig(path: array))?.message == "line is a JSON array, not an object")
    }

    @Test("the CSV hint comes only where the format was guessed from a name that is not JSON's")
    func csvHintOnlyWhenGuessed() throws {
        let csvLike = "question,answer\nwhy,because\n"
        for name in ["bad.jsonl", "bad.json", "bad.ndjson"] {
            let error = try #require(loadError(DatasetConfig(path: try file(name, csvLike))))
            #expect(error.hint?.contains("csv") == false, "\(name): \(error.hint ?? "")")
            #expect(error.hint?.hasPrefix("each line of a JSON Lines file is one whole JSON object") == true)
        }
        let guessed = try #require(loadError(DatasetConfig(path: try file("data.txt", csvLike))))
        #expect(guessed.place?.hasSuffix("data.txt:1:1") == true)
        #expect(guessed.hint?.hasPrefix("read as JSON Lines because task.dataset.format is not set and the name does not end in .csv "
            + "(for a CSV file set task.dataset.format=csv); each line of a JSON Lines file") == true)
        // Said to be JSON Lines: no guess to explain.
        #expect(loadError(DatasetConfig(path: try file("said.txt", csvLike), format: .jsonl))?.hint?.contains("csv") == false)
    }

    @Test("long lines are cut around the column in the snippet")
    func longLineSnippet() {
        let line = String(repeating: "a", count: 300) + "!" + String(repeating: "b", count: 300)
        let snippet = JSONDataError.snippet(Substring(line), number: 7, column: 301)
        let rows = snippet.split(separator: "\n")
        #expect(rows.count == 2)
        #expect(rows[0].hasPrefix(" 7 | …a") && rows[0].hasSuffix("b…"))
        #expect(rows[0].count < 120)
        // The caret is under the '!'.
        let caret = rows[1].distance(from: rows[1].startIndex, to: rows[1].firstIndex(of: "^")!)
        let bang = rows[0].distance(from: rows[0].startIndex, to: rows[0].firstIndex(of: "!")!)
        #expect(caret == bang)
    }

    @Test("gzip and zip files are named by their magic bytes, as JSONL and as CSV", arguments: [
        ([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00], "gzip-compressed", "gunzip -k"),
        ([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x08], "a zip archive", "unzip"),
    ] as [([UInt8], String, String)])
    func binaryFormats(bytes: [UInt8], name: String, conversion: String) throws {
        for (fileName, format) in [("data.jsonl", DatasetConfig.Format?.none), ("data.parquet", .jsonl), ("data.csv", .csv)] {
            let path = folder.appendingPathComponent(fileName).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let error = try #require(loadError(DatasetConfig(path: path, format: format)), "\(fileName)")
            #expect(error.place == path, "the file, not a line of it")
            #expect(error.message.hasPrefix("data file is \(name)"))
            #expect(error.message.contains("not text: this loader reads JSON Lines and CSV"))
            #expect(error.hint?.contains(conversion) == true, "\(error.hint ?? "")")
            #expect(!error.description.contains("UTF-8"))
        }
    }

    @Test("a Parquet file written by datasets and the Arrow file datasets prepared from it give the same items")
    func parquetAndArrow() throws {
        let hub = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/lm_eval/hub")
        let parquet = hub.appendingPathComponent("repos/allenai/ai2_arc/ARC-Easy/test-00000-of-00001.parquet").path
        let arrow = hub.appendingPathComponent("datasets_cache/allenai___ai2_arc/ARC-Easy/0.0.0/210d026faf9955653af8916fad021475a3f00453/ai2_arc-test.arrow").path
        let fromParquet = try DatasetLoader.load(DatasetConfig(path: parquet), required: ["question", "choices", "answerKey"]).all()
        let fromArrow = try DatasetLoader.load(DatasetConfig(path: arrow), required: ["question", "choices", "answerKey"]).all()
        #expect(fromParquet.count == 10)
        #expect(fromParquet.map(\.id) == fromArrow.map(\.id))
        #expect(fromParquet.map(\.fields) == fromArrow.map(\.fields))
        #expect(fromParquet[0].id == "ARC_Easy_13_000")
        #expect(fromParquet[0]["choices"] == .object(["text": .array(["sunlight", "sand", "plastic", "noise"].map(JSONValue.string)),
                                                      "label": .array(["A", "B", "C", "D"].map(JSONValue.string))]))
        #expect(fromParquet[3].place == "\(parquet) (row 4)")
    }

    @Test("a Parquet or Arrow file is read as one whatever its name; told to read it as text, the error says how to read it", arguments: [
        ([UInt8]("PAR1".utf8) + [0x15, 0x04, 0x15, 0xAC, 0x02, 0x00, 0xFF] + [UInt8]("PAR1".utf8), "a Parquet file", "parquet"),
        ([UInt8]("ARROW1".utf8) + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x78, 0x00], "an Arrow IPC (Feather) file", "arrow"),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0x78, 0x00, 0x00, 0x00, 0x10], "an Arrow IPC stream", "arrow"),
    ] as [([UInt8], String, String)])
    func columnarByContent(bytes: [UInt8], name: String, format: String) throws {
        for (fileName, asked) in [("data.parquet", DatasetConfig.Format.jsonl), ("data.csv", .csv)] {
            let path = folder.appendingPathComponent(fileName).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let error = try #require(loadError(DatasetConfig(path: path, format: asked)), "\(fileName)")
            #expect(error.place == path)
            #expect(error.message.hasPrefix("data file is \(name)") && error.message.hasSuffix(", not text, and the task reads it as JSON or CSV"))
            #expect(error.hint?.contains("task.dataset.format=\(format)") == true, "\(error.hint ?? "")")
        }
        // Named .jsonl with no format set: read as what it is (these bytes are a broken file of
        // that format, so the reader's error, naming the file and a byte offset).
        let path = folder.appendingPathComponent("data.jsonl").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(loadError(DatasetConfig(path: path)))
        #expect(error.place == path)
        #expect(error.message.contains("at byte"), "\(error.message)")
        #expect(!error.description.contains("UTF-8") && !error.message.contains("JSON"))
    }

    @Test("text that merely starts with PAR1 is text: a Parquet file also ends with it")
    func parquetNeedsBothEnds() throws {
        #expect(BinaryFormat.detect(Array("PAR1,answer\nx,y\n".utf8)) == nil)
        #expect(BinaryFormat.detect(Array("PAR1".utf8)) == nil)
        #expect(BinaryFormat.detect(Array("PAR1PAR1".utf8)) == nil, "shorter than the smallest Parquet file")
        #expect(BinaryFormat.detect(Array("PAR1\u{0}\u{0}\u{0}\u{0}PAR1".utf8)) == .parquet)
        #expect(BinaryFormat.detect(Array("ARROW1 is a word\n".utf8)) == nil)
        let path = try file("par.csv", "PAR1,answer\nx,y\n")
        #expect(try DatasetLoader.load(DatasetConfig(path: path), required: ["answer"]).count == 1)
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
        #expect(error.place == "\(guessed):1:1")
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
