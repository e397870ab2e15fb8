import Config
import Foundation
import Models
import Response

/// `runner batches [cancel] OVERRIDES...`: the batches a run with these overrides has in flight
/// at the provider (`response.batch`), read from its cache; `cancel` cancels them and forgets
/// them, so the next run asks for those answers again.
enum BatchesCommand {
    static let usage = """
        usage: runner batches [cancel] OVERRIDES...

        Lists the batches that a run with these overrides sent (response.batch=true) and has not
        read back yet, from the run's response cache; 'cancel' cancels them at the provider.
        Give the same model and cache overrides as the run, e.g.
          runner batches cancel +model=openai_chat +task=mcq

        """

    static func run(_ arguments: [String]) async -> Int32 {
        var arguments = arguments
        if arguments.first == "-h" || arguments.first == "--help" {
            Output.out(usage)
            return 0
        }
        let cancel = arguments.first == "cancel"
        if cancel || arguments.first == "list" { arguments.removeFirst() }
        do {
            let options = try RunnerOptions.parse(arguments)
            let repository = try RunnerCommand.makeRepository(options)
            let composer = Composer(repository: repository, configName: try RunnerCommand.primaryConfigName(options, repository: repository))
            let overrides = try options.overrides.map { (text) throws(ConfigError) in try OverrideParser.parse(text) }
            let launcher = JobLauncher(composer: composer, options: options, startTime: time(nil), commandLine: ["runner", "batches"] + arguments)
            let job = try launcher.composeJob(number: 0, overrides: overrides, mode: "RUN")
            let (log, _) = RunLogHandler.logger(verbose: options.verbose)
            let setup = try JobExecutor.prepare(job.run, paths: ConfigPathResolver(searchPath: repository.searchPath), log: log)
            guard let cache = setup.component.cache, let model = setup.component.model as? any BatchCapableModel else {
                return Output.fail(UserError(.config, "this model has no batch API, or the run has no cache",
                                             hint: "give the same +model and response.cache overrides as the run"))
            }
            let modelHash = SHA256.hex(Array(model.modelDict.canonicalString.utf8))
            let pending = try cache.pendingBatches(model: modelHash)
            if pending.isEmpty { Output.out("no batches in flight for \(model.name) in \(cache.location)\n") }
            for batch in pending {
                let state = try await model.batchAPI.retrieve(batch.id)
                if cancel {
                    let cancelled = try await model.batchAPI.cancel(batch.id)
                    try cache.finishBatch(id: batch.id)
                    Output.out("\(batch.id): \(cancelled.status) (\(batch.keys.count) requests; the next run asks for them again)\n")
                } else {
                    Output.out("\(batch.id): \(state.status), \(state.completed)/\(state.total) done, \(state.failed) failed\n")
                }
            }
            return 0
        } catch {
            return Output.fail(error)
        }
    }
}
