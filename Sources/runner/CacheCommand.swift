import Config
import Foundation
import Response

/// `runner cache`: what a response cache holds, and copying answers between caches, so that a
/// laptop's SQLite answers can seed a cluster's PostgreSQL cache and back.
///
/// ```
/// runner cache [PATH|URL]              answers and tokens by model (default: the shared SQLite cache)
/// runner cache copy FROM TO            copy the answers TO lacks; FROM and TO are paths or postgresql:// URLs
/// ```
enum CacheCommand {
    static let usage = """
        usage: runner cache [PATH | postgresql://USER@HOST:PORT/DB]
               runner cache copy FROM TO

        Shows what a response cache holds (answers, tokens and bytes by model, claims in
        progress), or copies the answers TO does not have from FROM (a path or a URL each;
        answers TO already has are kept). The PostgreSQL password comes from PGPASSWORD.

        """

    /// Runs the subcommand; the exit code.
    static func run(_ arguments: [String]) -> Int32 {
        do {
            switch arguments.first {
            case "-h", "--help":
                Output.out(usage)
            case "copy":
                guard arguments.count == 3 else { throw usageError("copy needs FROM and TO") }
                try copy(from: arguments[1], to: arguments[2])
            case let location? where location.hasPrefix("-"):
                throw usageError("unknown option '\(location)'")
            default:
                guard arguments.count <= 1 else { throw usageError("one cache at a time") }
                try show(arguments.first ?? ResponseCache.defaultPath)
            }
            return 0
        } catch {
            return Output.fail(error)
        }
    }

    static func usageError(_ message: String) -> UserError {
        UserError(.usage, message, hint: "runner cache --help shows the forms")
    }

    /// A cache by path or URL; a path must exist unless `create` (a copy's destination).
    static func open(_ location: String, mode: CacheMode = .use, create: Bool = false) throws -> any CacheInventory {
        guard create || !ResponseStores.isFile(location) || FileManager.default.fileExists(atPath: location) else {
            throw UserError(.io, "no response cache at \(location)", hint: "give the path of a responses.sqlite, or a postgresql:// URL")
        }
        return try ResponseStores.open(location, options: StoreOptions(mode: mode))
    }

    static func show(_ location: String) throws {
        let cache = try open(location, mode: .readOnly)
        let summaries = try cache.modelSummaries()
        var text = "\(Redactor.maskingURLPassword(location) ?? location): \(try cache.count()) answers, \(try cache.claimCount()) claims in progress\n"
        if !summaries.isEmpty {
            text += "   answers   prompt tok   compl. tok   answer bytes  model\n"
            for s in summaries {
                text += pad(s.answers, 10) + pad(s.promptTokens, 13) + pad(s.completionTokens, 13) + pad(s.answerBytes, 15) + "  \(s.model)\n"
            }
        }
        Output.out(text)
    }

    static func copy(from source: String, to destination: String) throws {
        let from = try open(source, mode: .readOnly)
        let to = try open(destination, create: true)
        var last = "", seen = 0, inserted = 0
        while true {
            let page = try from.entries(after: last, limit: 1000)
            guard let end = page.last else { break }
            inserted += try to.insertMissing(page)
            seen += page.count
            last = end.key
        }
        Output.out("copied \(inserted) of \(seen) answers from \(from.location) to \(to.location)"
                   + (seen > inserted ? " (\(seen - inserted) were there already)" : "") + "\n")
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
