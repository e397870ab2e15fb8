import Config
import Foundation
import Report

/// `runner report PATH`: writes `report.html` into a run or sweep folder. A sweep writes its
/// own when it ends, unless the config says `report: false`.
enum ReportCommand {
    static let usage = """
        usage: runner report PATH

        Writes PATH/report.html: one self-contained page (no network) with the jobs' metrics and
        intervals, plots across the swept values, confusion matrices, paired comparisons and a
        browser over the samples. PATH is a run folder (outputs/...) or a sweep folder (multirun/...).

        """

    static func run(_ arguments: [String]) -> Int32 {
        guard arguments.count == 1, let path = arguments.first, !path.hasPrefix("-") else {
            if arguments.first == "-h" || arguments.first == "--help" {
                Output.out(usage)
                return 0
            }
            return Output.fail(UserError(.usage, "runner report takes one folder", hint: String(usage.split(separator: "\n")[0])))
        }
        do {
            let written = try write(path)
            Output.out("[runner] report: \(written)\n")
            return 0
        } catch let failure as ReportSource.Failure {
            return Output.fail(failure)
        } catch {
            return Output.fail(UserError(.io, "cannot write the report for \(path): \(error)", hint: "check that the folder is writable"))
        }
    }

    static func write(_ path: String) throws -> String {
        let source = try ReportSource.load(path)
        return try ReportPage(source: source, version: RunnerCommand.version).write()
    }

    /// At the end of a sweep: a failed report is a warning, never a failed sweep.
    static func afterSweep(_ directory: String, quiet: Bool) {
        do {
            let written = try write(directory)
            if !quiet { Output.out("[runner] report: \(written)\n") }
        } catch {
            Output.error("warning: no report.html for \(directory): \(error)")
        }
    }
}
