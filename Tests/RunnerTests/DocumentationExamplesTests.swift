import Foundation
import TestSupport
import Testing

/// Every command the README and `runner --help` show is run here: an example that stopped
/// working is a failing test, not a surprise for a new user.
@Suite("Documented examples", .timeLimit(.minutes(10)))
struct DocumentationExamplesTests {
    static let readme: String = (try? String(contentsOf: RunnerProcess.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    /// The fenced blocks of the README with their language tag.
    static func blocks(_ text: String) -> [(language: String, lines: [String])] {
        var result: [(String, [String])] = []
        var current: (String, [String])?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                if let open = current { result.append(open); current = nil } else { current = (String(line.dropFirst(3)), []) }
            } else if current != nil {
                current!.1.append(line)
            }
        }
        return result
    }

    /// `runner` commands of the `sh` blocks (`$R ...` or `runner ...`), continuation lines
    /// joined and trailing comments removed.
    static let readmeCommands: [String] = {
        var commands: [String] = []
        for block in blocks(readme) where block.language == "sh" {
            var pending = ""
            for line in block.lines {
                var text = line
                if let comment = text.range(of: "  #") { text = String(text[..<comment.lowerBound]) }
                text = text.trimmingCharacters(in: .whitespaces)
                if text.hasSuffix("\\") {
                    pending += text.dropLast() + " "
                    continue
                }
                let command = pending + text
                pending = ""
                if command.hasPrefix("$R ") || command.hasPrefix("runner ") { commands.append(command) }
            }
        }
        return commands
    }()

    @Test("the README shows runner commands")
    func readmeHasCommands() {
        #expect(Self.readmeCommands.count >= 10)
    }

    @Test("every runner command in the README composes", arguments: readmeCommands)
    func readmeCommandComposes(_ command: String) async throws {
        var arguments = Array(ShellWords.split(command).dropFirst())
        let printsOnly = arguments.contains { ["--cfg", "-c", "--info", "-i", "--help", "-h", "--version"].contains($0) }
        if arguments.first == "lm-eval" {
            // `runner lm-eval list|check` read lm-eval's library: the copy of its files in the fixtures.
            arguments += ["--library", RunnerProcess.packageRoot.appendingPathComponent("Tests/TasksTests/Fixtures/lm_eval/library").path]
        } else if !printsOnly {
            arguments += ["--cfg", "job"]
        }
        let result = try await RunnerProcess.run(arguments)
        #expect(result.status == 0, "\(command)\n\(result.stderr)")
    }

    @Test("the README's error transcript is what the runner prints")
    func readmeErrorTranscript() async throws {
        let block = try #require(Self.blocks(Self.readme).first { $0.language == "text" && $0.lines.contains("$ runner +model=openai_chatt") })
        var checked = 0
        var index = 0
        while index < block.lines.count {
            let line = block.lines[index]
            index += 1
            guard line.hasPrefix("$ runner ") else { continue }
            var expected: [String] = []
            while index < block.lines.count, !block.lines[index].hasPrefix("$ ") {
                expected.append(block.lines[index])
                index += 1
            }
            let result = try await RunnerProcess.run(Array(ShellWords.split(String(line.dropFirst(2))).dropFirst()))
            #expect(result.status == 2)
            #expect(result.stderr == expected.joined(separator: "\n") + "\n", "\(line)")
            checked += 1
        }
        #expect(checked >= 2)
    }

    @Test("every example in runner --help composes")
    func helpExamples() async throws {
        let help = try await RunnerProcess.run(["--help"]).stdout
        let section = try #require(help.components(separatedBy: "== Overrides ==").dropFirst().first?.components(separatedBy: "Values:").first)
        let prefix = ["+model=openai_chat", "+task=mcq"]
        var examples: [String] = []
        for line in section.split(separator: "\n") {
            let columns = line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard columns.count >= 3 else { continue }
            examples.append(columns[columns.count - 1])
        }
        #expect(examples.count == 8)
        for example in examples {
            let words = ShellWords.split(example)
            let arguments = (words.contains("+model=openai_chat") ? [] : prefix) + words + ["--cfg", "job"]
            let result = try await RunnerProcess.run(arguments)
            #expect(result.status == 0, "\(example)\n\(result.stderr)")
        }
    }
}

/// Splits a command line as a POSIX shell does for the forms the docs use: spaces, single
/// and double quotes, backslash escapes.
enum ShellWords {
    static func split(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for c in line {
            if escaped { word.append(c); escaped = false; continue }
            if let q = quote {
                if c == q { quote = nil } else if c == "\\" && q == "\"" { escaped = true } else { word.append(c) }
                continue
            }
            switch c {
            case "'", "\"": quote = c; inWord = true
            case "\\": escaped = true; inWord = true
            case " ", "\t":
                if inWord { words.append(word); word = ""; inWord = false }
            default: word.append(c); inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }
}
