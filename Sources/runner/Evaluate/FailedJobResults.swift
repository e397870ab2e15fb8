import Config
import Diagnostics
import Tasks

/// `results.json` for a job that could not start (its model or task could not be built, a key
/// was missing): a sweep keeps such a job as a row, with its status and reason, in summary.csv
/// and report.html, instead of leaving a folder that does not exist or a hole in the page.
enum FailedJobResults {
    /// Why it is a failed row: what results.json, summary.csv and the console say.
    static func reason(_ problem: UserError) -> String {
        "the job could not start: " + (problem.place.prefix.map { $0 + ": " } ?? "") + problem.message
    }

    static func json(_ problem: UserError, run: RunConfig, overrides: [String]) -> OrderedJSON {
        .object([
            ("task", .string(run.task?.name ?? "")),
            ("model", .string(run.model?.name ?? "")),
            ("status", .string("failed")),
            ("stop_reason", .string(reason(problem))),
            ("stop_hint", .optional(problem.hint)),
            ("metrics", .object([])),
            ("counts", .object(["items", "finished", "scored", "null", "skipped", "errored", "cached", "retries"].map { ($0, .int(0)) })),
            ("overrides", .array(overrides.map(OrderedJSON.string))),
        ])
    }

    /// Writes it into the job's folder; a failure to write is reported, the sweep goes on.
    static func write(_ problem: UserError, run: RunConfig, overrides: [String], directory: String) {
        do {
            try RunDirectory.write(json(problem, run: run, overrides: overrides).pretty, to: directory + "/results.json")
        } catch {
            Output.error(error.description)
        }
    }
}
