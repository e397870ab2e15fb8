import Config
import Foundation
import Logging
import Models
import Response
import Tasks

/// What one job of a run or sweep came to.
struct JobReport: Sendable {
    var number: Int
    var overrides: [String]
    var directory: String
    var outcome: JobOutcome?
    var exitCode: Int32
}

/// Runs one evaluation in its prepared directory: builds the model and the task, opens the
/// cache, answers and scores every item with a progress line, writes `results.json`,
/// `samples.jsonl` and `runner.log`, and prints the summary.
///
/// Exit codes: 0 success; 1 when more than `response.max_error_rate` of the items errored or
/// the server stopped the run (a rejected key); 2 for config, data or setup errors; 130 when
/// interrupted.
enum JobExecutor {
    /// A job's model, task and ResponseComponent, built before anything is written.
    struct Setup {
        var task: any EvaluationTask
        var component: ResponseComponent
        /// What the evaluation asks: the component, or the safety checks around it.
        var responder: any Responder
        var taskName: String
        var modelName: String
        var pricing: Pricing?
        var run: RunConfig
    }

    /// Builds the model, the task, the cache and the ResponseComponent. Nothing is written to
    /// the run folder, which does not exist yet.
    ///
    /// - Throws: any ``Diagnostics/UserFacingError`` of the config, model or task.
    /// - Parameter showBatches: print the batch API's progress on stderr (it can take hours).
    static func prepare(_ run: RunConfig, paths: ConfigPathResolver, log: Logger, showBatches: Bool = false) throws -> Setup {
        guard let modelConfig = run.model, let taskConfig = run.task else {
            throw ConfigError(.missingValue, "a run needs a model and a task", hint: "add +model=<OPTION> +task=<OPTION>")
        }
        let model = try ModelMap.default.build(modelConfig, environment: ModelEnvironment(log: { log.info("\($0)") }, resolvePath: paths.resolve))
        let context = TaskContext(capabilities: model.capabilities, modelName: modelConfig.name, seed: run.seed,
                                  dataPath: paths.resolve,
                                  chatText: { try model.chatText($0, addGenerationPrompt: $1) })
        let task = try TaskRegistry.default.build(taskConfig, context: context)
        log.info("model \(modelConfig.name): \(model.modelDict.canonicalString)")
        log.info("task \(taskConfig.name): \(task.items.count) items")

        let response = run.response
        var cache: (any ResponseStore)?
        if let mode = CacheMode(rawValue: response.cache.mode.rawValue) {  // none for `off`
            let options = StoreOptions(mode: mode, passwordVariable: response.cache.passwordEnv)
            let store = try ResponseStores.open(url: response.cache.url, path: response.cache.path ?? ResponseCache.defaultPath, options: options)
            log.info("cache \(store.location) (\(mode.rawValue))")
            cache = store
        }
        let component = ResponseComponent(model: model, cache: cache, policy: ResponsePolicy(response, model: model),
                                          log: { message in
                                              log.info("\(message)")
                                              if showBatches, message.hasPrefix("batch") { Output.error("[runner] " + message) }
                                          })
        var responder: any Responder = component
        if let safety = run.safety {
            responder = try safetyResponder(safety, around: component, cache: cache, response: response, paths: paths, log: log)
        }
        return Setup(task: task, component: component, responder: responder, taskName: task.title ?? taskConfig.name,
                     modelName: modelConfig.name, pricing: modelConfig.pricing, run: run)
    }

    /// `+safety=...`: the checker's model and its own ResponseComponent (same cache and
    /// response settings), around the run's.
    static func safetyResponder(_ safety: SafetyConfig, around component: ResponseComponent, cache: (any ResponseStore)?,
                                response: ResponseConfig, paths: ConfigPathResolver, log: Logger) throws -> SafetyResponder {
        let checkerModel: any LanguageModel
        let checker: any SafetyChecker
        if safety.name == "moderation" {
            checkerModel = try ModerationModel(model: safety.model ?? "omni-moderation-latest", baseURL: safety.baseURL,
                                               apiKeyEnv: safety.apiKeyEnv ?? "OPENAI_API_KEY", environment: ModelEnvironment())
            checker = ModerationChecker()
        } else {
            guard let judge = safety.judge else {
                throw ConfigError(.missingValue, "safety=llama_guard needs a judge model", keyPath: "safety.judge", hint: "add +model@safety.judge=OPTION")
            }
            checkerModel = try ModelMap.default.build(judge, environment: ModelEnvironment(log: { log.info("\($0)") }, resolvePath: paths.resolve))
            checker = LlamaGuardChecker(logprobs: checkerModel.capabilities.logprobs)
        }
        log.info("safety \(safety.name) on \(safety.check.map(\.rawValue).joined(separator: ", ")), action \(safety.action.rawValue): \(checkerModel.modelDict.canonicalString)")
        let checks = ResponseComponent(model: checkerModel, cache: cache, policy: ResponsePolicy(response, model: checkerModel),
                                       log: { message in log.info("safety: \(message)") })
        return SafetyResponder(inner: component, checks: checks, checker: checker, settings: safety)
    }

    /// Runs one prepared evaluation in its folder: answers and scores every item with a progress
    /// line, writes `results.json` and `samples.jsonl`, and prints the summary.
    ///
    /// Exit codes: 0 success; 1 when more than `response.max_error_rate` of the items errored,
    /// the server stopped the run, or the run's files could not be written; 2 for config, data
    /// or setup errors; 130 when interrupted.
    static func execute(_ setup: Setup, job: PreparedJob, options: RunnerOptions, log: Logger) async -> JobReport {
        let overrides = job.taskOverrides
        var report = JobReport(number: job.number, overrides: overrides, directory: job.directory, outcome: nil, exitCode: 0)
        log.info("job \(job.number) starting in \(job.directory)", metadata: ["overrides": "\(overrides.joined(separator: " "))"])
        let task = setup.task
        let settings = Evaluation.Settings(
            directory: job.directory, taskName: setup.taskName, modelName: setup.modelName, seed: setup.run.seed,
            bootstrapIterations: task.bootstrapIterations ?? 1000, maxErrorRate: setup.run.response.maxErrorRate,
            pricing: setup.pricing, configHash: configHash(job), overrides: overrides,
            versions: [("runner", RunnerCommand.version), ("swift", swiftVersion)], mainMetric: task.mainMetric)
        var settingsWithSafety = settings
        settingsWithSafety.safetyPricing = setup.run.safety?.judge?.pricing
        settingsWithSafety.maxSkipRate = setup.run.response.maxSkipRate
        settingsWithSafety.maxNullRate = setup.run.task?.maxNullRate ?? 0.5
        let evaluation = Evaluation(task: task, responder: setup.responder, settings: settingsWithSafety)
        let display = ProgressDisplay(enabled: !options.quiet)
        let outcome = await Interrupt.shared.whileCancellable { () -> Result<EvaluationResult, TaskError> in
            do throws(TaskError) { return .success(try await evaluation.run(progress: display.update)) } catch { return .failure(error) }
        }
        display.finish()
        switch outcome {
        case .success(let result):
            report.outcome = JobOutcome(result)
            report.exitCode = exitCode(result)
            log.info("job \(job.number) \(result.status.rawValue): \(result.finishedCount)/\(result.totalItems) items, \(result.errorCount) errored")
            if !options.quiet { Output.out(ResultSummary.text(result)) }
            // lm-eval runs end as lm_eval does: with its table(s).
            if !options.quiet, let lmEval = result.extra.first(where: { $0.0 == "lm_eval" })?.1 { Output.out(LMEvalOutputFiles.table(lmEval: lmEval)) }
            if let failure = failure(result, job: job, firstError: setup.component.firstFailure) { Output.error(failure.description) }
            if let notice = interruption(result, job: job) { Output.error(notice) }
        case .failure(let error):
            let problem = userError(error, resolved: job.resolved)
            log.error("\(problem.description)")
            Output.error(problem.description)
            report.exitCode = problem.exitCode
        }
        return report
    }

    static func exitCode(_ result: EvaluationResult) -> Int32 {
        switch result.status {
        case .completed, .running: return 0
        case .failed, .stopped: return 1
        case .interrupted: return 130
        }
    }

    /// Why a run that ended failed or stopped, as a ``UserError`` (the exit code was decided by
    /// ``exitCode(_:)``); nil for a run that completed or was interrupted.
    ///
    /// - Parameter firstError: the error of the first item that failed (its URL, status and the
    ///   server's message), shown with its hint when too many items errored.
    static func failure(_ result: EvaluationResult, job: PreparedJob, firstError: ModelError? = nil) -> UserError? {
        switch result.status {
        case .failed where result.errorRate <= result.settings.maxErrorRate && result.stopReason != nil:
            // Skipped items, nothing scored, or no answer readable: the reason says which.
            return UserError(.runtime, result.stopReason!, hint: result.stopHint)
        case .failed:
            let message = "\(result.errorCount) of \(result.totalItems) items errored (\(ResultSummary.format(result.errorRate * 100, 1))%), more than response.max_error_rate=\(result.settings.maxErrorRate)"
                + (result.stopReason.map { "; " + $0.prefix { $0 != ":" } + ", the answers received are kept" } ?? "")
            return UserError(.runtime, message,
                             hint: "\(firstError?.hint.map { $0 + "; " } ?? "")the reasons are in \(job.directory)/samples.jsonl and runner.log; re-run the same command to retry only the failed items",
                             snippet: firstError.map { "first error: \($0.message)" })
        case .stopped:
            let answered = result.scoredCount > 0 ? "; the \(result.scoredCount) answers received before the stop are kept and cached" : ""
            return UserError(.runtime, "run stopped: \(result.stopReason ?? "the server refused the requests")",
                             hint: "\(result.stopHint ?? "fix the key or endpoint")\(answered); re-run the same command to go on")
        default:
            return nil
        }
    }

    /// What an interrupted run says: how far it got and how to resume (not an error).
    static func interruption(_ result: EvaluationResult, job: PreparedJob) -> String? {
        guard result.status == .interrupted else { return nil }
        return "[runner] interrupted after \(result.finishedCount) of \(result.totalItems) items; run the same command again to resume from the cache"
            + (job.run.response.batch ? "\n[runner] batches already sent keep running at the provider: the same command picks them up; 'runner batches cancel' with the same overrides cancels them" : "")
    }

    /// The one shape of a setup error, placed at its config key's file and line when it names
    /// a key (`task.scoring.mode`, `model.params.checkpoint_path`) but no file.
    static func userError(_ error: any Error, resolved: ConfigNode) -> UserError {
        var problem = (error as? any UserFacingError)?.userError ?? UserError(.runtime, "\(error)")
        if problem.place.file == nil, problem.place.override == nil, let key = problem.place.keyPath,
           let location = resolved.node(at: KeyPath(parsing: key))?.location {
            if let override = location.override {
                problem.place.override = Redactor.redact(override: override)
            } else if !location.file.isEmpty {
                problem.place.file = location.file
                problem.place.line = location.line
                problem.place.column = location.column
            }
        }
        return problem
    }

    /// SHA-256 of the composed config as recorded in `.hydra/config.yaml` (secrets masked).
    static func configHash(_ job: PreparedJob) -> String {
        let text = (try? String(contentsOfFile: job.directory + "/.hydra/config.yaml", encoding: .utf8)) ?? ""
        return SHA256.hex(Array(text.utf8))
    }

    static var swiftVersion: String {
        #if compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #else
        return "6"
        #endif
    }
}

