import Config
import Foundation
import Tasks

/// `runner lm-eval list`: the task, group and tag names of lm-eval's task library and of
/// include folders, as `lm_eval ls` lists them (a table of groups, one of tags, one of tasks).
///
/// ```
/// runner lm-eval list [PATTERN] [--include-path DIR]... [--library DIR] [--python PYTHON]
/// ```
enum LMEvalCommand {
    static let usage = """
        usage: runner lm-eval list [PATTERN] [--include-path DIR]... [--library DIR] [--python PYTHON]
                                   [--groups] [--tags] [--tasks]
               runner lm-eval check [NAME...|all] [--include-path DIR]... [--library DIR] [--python PYTHON] [--no-data]

        Lists the task, group and tag names lm-eval's --tasks finds, as `lm_eval ls` does: a
        table of groups, one of tags, one of tasks (name, config location, output type).
        PATTERN is a glob (mmlu_*, *arc*) or, without * ? or [, a part of the name.
          --include-path DIR   a folder of task files, searched before the library (repeatable;
                               like lm-eval's --include_path, its names replace the library's)
          --library DIR        lm-eval's lm_eval/tasks folder (default: the one of the lm_eval
                               package --python imports: $VIRTUAL_ENV's, else python3's)
          --python PYTHON      the Python whose lm_eval package holds the library
          --no-library         only the include paths
          --groups / --tags / --tasks   only those tables

        check loads every named task (all: every task of the library and include paths) as a
        run would, without a model: its file, includes and group overrides, its keys, and its
        data from the local Hugging Face caches (--no-data: keys only). It prints one line per
        task that is not ready (Task, Status, Reason), then the counts; exit 1 when a task
        cannot run for a reason of its own (missing data alone exits 0).

        """

    static func run(_ arguments: [String]) -> Int32 {
        do {
            guard let command = arguments.first else { throw usageError("name a subcommand: runner lm-eval list") }
            switch command {
            case "-h", "--help":
                Output.out(usage)
                return 0
            case "list", "ls":
                try list(Array(arguments.dropFirst()))
                return 0
            case "check":
                return try check(Array(arguments.dropFirst()))
            default:
                throw usageError("unknown subcommand '\(command)'")
            }
        } catch {
            return Output.fail(error)
        }
    }

    static func usageError(_ message: String) -> UserError {
        UserError(.usage, message, hint: "runner lm-eval --help shows the forms")
    }

    /// Where the names are looked up: `--include-path`, `--library`, `--python`, `--no-library`,
    /// as both subcommands take them.
    struct LibraryOptions {
        var includePaths: [String] = [], library: String?, python: String?, noLibrary = false

        /// Reads the options and hands every other argument to `other` (`option` without an
        /// inline value, the inline value, and a way to take the next argument).
        /// - Returns: false when `--help` was asked for.
        mutating func parse(_ arguments: [String], other: (String, String?, () throws -> String) throws -> Void) throws -> Bool {
            var rest = arguments[...]
            func value(_ option: String) throws -> String {
                guard let value = rest.popFirst() else { throw usageError("\(option) needs a value") }
                return value
            }
            while let argument = rest.popFirst() {
                var option = argument, inline: String?
                if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                    option = String(argument[..<equals]); inline = String(argument[argument.index(after: equals)...])
                }
                switch option {
                case "-h", "--help": return false
                case "--include-path", "--include_path": includePaths.append(try inline ?? value(option))
                case "--library": library = try inline ?? value(option)
                case "--python": python = try inline ?? value(option)
                case "--no-library": noLibrary = true
                default: try other(option, inline, { try value(option) })
                }
            }
            return true
        }

        /// The index over the include paths and the library (found from `--python` when not given).
        func index() throws -> LMEvalTaskIndex {
            let library = try resolveLibrary(library, python: python, noLibrary: noLibrary, includePaths: includePaths)
            return try LMEvalTaskIndex.build(includePaths: includePaths, library: library)
        }
    }

    static func list(_ arguments: [String]) throws {
        var options = LibraryOptions()
        var pattern: String?
        var tables: Set<String> = []
        let proceed = try options.parse(arguments) { option, _, _ in
            switch option {
            case "--groups", "--tags", "--tasks": tables.insert(String(option.dropFirst(2)))
            default:
                if option.hasPrefix("-") && option.count > 1 { throw usageError("unknown option '\(option)'") }
                guard pattern == nil else { throw usageError("one PATTERN at a time (a glob such as 'mmlu_*')") }
                pattern = option
            }
        }
        guard proceed else { Output.out(usage); return }
        let index = try options.index()
        let match = pattern.map(matcher) ?? { _ in true }
        let matches = index.entries.filter { entry in match(entry.name) }
        Output.out(LMEvalListing.render(matches, tables: tables.isEmpty ? ["groups", "tags", "tasks"] : tables))
    }

    static func resolveLibrary(_ library: String?, python: String?, noLibrary: Bool, includePaths: [String]) throws -> String? {
        if noLibrary { return nil }
        if let library { return library }
        let found = LMEvalLibrary.locate(python: python)
        if found == nil && includePaths.isEmpty {
            throw UserError(.usage, "lm-eval's task library not found: no lm_eval package for \(python ?? "$VIRTUAL_ENV's Python or python3")",
                            hint: "give --library DIR (an lm_eval/tasks folder), --python PYTHON, or --include-path DIR")
        }
        return found
    }

    static func check(_ arguments: [String]) throws -> Int32 {
        var options = LibraryOptions()
        var names: [String] = [], loadData = true
        let proceed = try options.parse(arguments) { option, _, _ in
            if option == "--no-data" { loadData = false; return }
            if option.hasPrefix("-") && option.count > 1 { throw usageError("unknown option '\(option)'") }
            names += option.split(separator: ",").map(String.init)
        }
        guard proceed else { Output.out(usage); return 0 }
        guard !names.isEmpty else { throw usageError("name the tasks to check, or all") }
        let index = try options.index()
        let outcomes = try LMEvalCheck.run(names, index: index, loadData: loadData)
        let problems = outcomes.filter { $0.status != .ready }
        if !problems.isEmpty {
            Output.out(LMEvalListing.table(["Task", "Status", "Reason"], problems.map { [$0.task, $0.status.rawValue, $0.reason] }))
        }
        let count = { (status: LMEvalCheck.Outcome.Status) in outcomes.filter { $0.status == status }.count }
        Output.out("\(outcomes.count) tasks: \(count(.ready)) ready, \(count(.noData)) without their data here, \(count(.cannotRun)) cannot run\n")
        return count(.cannotRun) == 0 ? 0 : 1
    }

    /// A glob when the pattern has `*`, `?` or `[`; else a substring.
    static func matcher(_ pattern: String) -> (String) -> Bool {
        if pattern.contains(where: { "*?[".contains($0) }) {
            return { name in fnmatch(pattern, name, 0) == 0 }
        }
        let needle = Array(pattern.utf8)
        return { name in
            let hay = Array(name.utf8)
            guard needle.count <= hay.count else { return false }
            if needle.isEmpty { return true }
            for start in 0...(hay.count - needle.count) where hay[start..<(start + needle.count)].elementsEqual(needle) { return true }
            return false
        }
    }
}

/// lm-eval's listing: three markdown tables, as `TaskManager.list_all_tasks` writes them.
enum LMEvalListing {
    static func render(_ entries: [LMEvalTaskIndex.Entry], tables: Set<String>) -> String {
        func location(_ path: String?) -> String {
            guard let path else { return "---" }
            // lm-eval shortens its own files to lm_eval/tasks/...
            if let range = path.range(of: "lm_eval/tasks/", options: .backwards) { return "lm_eval/tasks/" + path[range.upperBound...] }
            return path
        }
        var out = "\n"
        if tables.contains("groups") {
            out += table(["Group", "Config Location"], entries.filter { $0.kind == .group }.map { [$0.name, location($0.path)] }) + "\n\n"
        }
        if tables.contains("tags") {
            out += table(["Tag"], entries.filter { $0.kind == .tag }.map { [$0.name] }) + "\n\n"
        }
        if tables.contains("tasks") {
            out += table(["Task", "Config Location", "Output Type"],
                         entries.filter { $0.kind == .task || $0.kind == .pythonTask }.map { [$0.name, location($0.path), $0.outputType ?? ""] }) + "\n\n"
        }
        return out + "\n"
    }

    /// A markdown table padded as pytablewriter pads it: each column as wide as its longest
    /// cell, cells left-aligned, headers centered as Python's `str.center` centers.
    static func table(_ headers: [String], _ rows: [[String]]) -> String {
        var widths = headers.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            "|" + cells.enumerated().map { i, cell in cell + String(repeating: " ", count: widths[i] - cell.count) }.joined(separator: "|") + "|\n"
        }
        var text = "|" + headers.enumerated().map { i, header in
            let pad = widths[i] - header.count
            let left = pad / 2 + (pad & widths[i] & 1)
            return String(repeating: " ", count: left) + header + String(repeating: " ", count: pad - left)
        }.joined(separator: "|") + "|\n"
        text += "|" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "|") + "|\n"
        for row in rows { text += line(row) }
        return text
    }
}
