import Config
import Models

/// An lm-evaluation-harness task, read from its YAML keys with lm-eval 0.4.13's defaults:
/// where the data is, how a document becomes a prompt, what is asked and how it is scored.
///
/// `!function` hooks (`process_docs`, `process_results`, `custom_dataset`, `doc_to_*`, metric
/// functions and aggregations, `fewshot_config.samples`, custom filters) are kept as
/// ``LMEvalHook``s, run by the Python worker; images or audio, or promptsource are refused with
/// the reason; a key lm-eval does not know is an error, as lm-eval's own `TaskConfig(**yaml)` raises.
struct LMEvalTaskDefinition: Sendable {
    enum OutputType: String, Sendable, CaseIterable {
        case multipleChoice = "multiple_choice"
        case generateUntil = "generate_until"
        case loglikelihood
        case loglikelihoodRolling = "loglikelihood_rolling"
    }

    /// One `doc_to_text`/`doc_to_target`/`doc_to_choice`/`description` setting.
    enum DocField: Sendable {
        case int(Int)
        /// A column name, when it is one, else a Jinja template.
        case string(String, JinjaTemplate)
        case list([TemplateValue])
        /// A mapping: `doc_to_choice` takes its values.
        case dict([TemplateValue])
        /// `!function module.name`: the function's result, as lm-eval uses a callable's (no literal_eval).
        case hook(LMEvalHook)
    }

    struct Metric: Sendable {
        var name: String
        var aggregation: String
        var higherIsBetter: Bool
        /// Extra keys (`ignore_case: true`), passed to the metric.
        var options: [(String, TemplateValue)]
        /// `metric: !function m.f`: the metric is that function (named by it).
        var metricHook: LMEvalHook? = nil
        /// `aggregation: !function m.f`: the metric's items are aggregated by that function.
        var aggregationHook: LMEvalHook? = nil
        /// A generate_until metric this runner does not implement: lm-eval's own (its registry's
        /// metric function and aggregation), run in the task's Python worker.
        var delegated = false
        /// `hf_evaluate: true`: the metric function is `evaluate.load(name).compute` (from the local cache).
        var hfEvaluate = false
        /// `aggregation:` as given (a delegated metric without one uses lm-eval's registered aggregation).
        var aggregationGiven: String? = nil
    }

    struct FilterStep: Sendable {
        var function: String
        var options: [(String, TemplateValue)]
        /// `function: custom` with `filter_fn: !function m.f`.
        var hook: LMEvalHook? = nil
        /// A filter lm-eval runs (``LMEvalDelegatedFilter``): a registered name this runner lacks, or `function: !function m.Class`.
        var delegated: LMEvalDelegatedFilter? = nil
    }

    struct FilterPipeline: Sendable {
        var name: String
        var steps: [FilterStep]
    }

    /// `fewshot_config`, with the task's own settings where it does not say otherwise.
    struct FewShot: Sendable {
        enum Sampler: String, Sendable { case `default`, firstN = "first_n" }
        var sampler: Sampler
        var split: String?
        var samples: [TemplateValue]?
        /// `samples: !function m.f`: the examples are `f()`.
        var samplesHook: LMEvalHook?
        /// `process_docs` for the few-shot split (default: the task's).
        var processDocs: LMEvalHook?
        var docToText, docToTarget, docToChoice: DocField?
        var genPrefix: DocField?
        var targetDelimiter, fewshotDelimiter: String
    }

    var name: String
    var alias: String?
    /// `dataset_path`: a packaged loader (`json`, `csv`, `parquet`, `arrow`), a hub dataset
    /// (`org/name`, read from the local caches) or a local folder.
    var datasetPath: String
    /// `dataset_name`: the hub dataset's config.
    var datasetName: String?
    /// `dataset_kwargs.revision` (a branch, tag or commit) and `dataset_kwargs.data_dir`.
    var revision: String?
    var dataDir: String?
    /// Split name to its files, as `dataset_kwargs.data_files` gives them (empty for a hub
    /// dataset that names none: its own files then decide).
    var dataFiles: [(split: String, files: [String])]
    /// True for `json`, `csv`, `parquet` and `arrow`: `data_files` are the data.
    var isPackaged: Bool { Self.packagedLoaders.contains(datasetPath) }
    static let packagedLoaders: Set<String> = ["json", "csv", "parquet", "arrow"]
    /// `dataset_kwargs.field` (JSON: the records are under this key).
    var jsonField: String?
    /// `dataset_kwargs.delimiter` / `sep` (CSV).
    var csvDelimiter: Character
    /// `dataset_kwargs.column_names` (CSV): the columns' names, the files having no header row (pandas `names=`).
    var csvColumnNames: [String]? = nil
    var trainingSplit, validationSplit, testSplit, fewshotSplit: String?
    var docToText, docToTarget, docToChoice: DocField?
    var description: DocField?
    var genPrefix: DocField?
    var targetDelimiter: String
    var fewshotDelimiter: String
    var fewShot: FewShot
    var numFewshot: Int?
    var metrics: [Metric]
    var outputType: OutputType
    /// `generation_kwargs` after lm-eval's defaults (generate_until only).
    var generationKwargs: [(String, TemplateValue)]?
    var repeats: Int
    var filters: [FilterPipeline]
    var version: TemplateValue?
    /// `process_docs`, `process_results` and `custom_dataset` hooks.
    var processDocs, processResults, customDataset: LMEvalHook?
    /// `dataset_kwargs` and `metadata` as given (`custom_dataset(**metadata, **dataset_kwargs)`).
    var datasetKwargs: [(String, TemplateValue)] = []
    var metadata: [(String, TemplateValue)] = []
    /// Every hook of the task, with its key, for an early check that each function exists.
    var hooks: [(key: String, hook: LMEvalHook)] {
        var out: [(String, LMEvalHook)] = []
        for (key, hook) in [("custom_dataset", customDataset), ("process_docs", processDocs), ("process_results", processResults),
                            ("fewshot_config.process_docs", fewShot.processDocs), ("fewshot_config.samples", fewShot.samplesHook)] {
            if let hook { out.append((key, hook)) }
        }
        let fields: [(String, DocField?)] = [("doc_to_text", docToText), ("doc_to_target", docToTarget), ("doc_to_choice", docToChoice),
                                             ("description", description), ("gen_prefix", genPrefix),
                                             ("fewshot_config.doc_to_text", fewShot.docToText), ("fewshot_config.doc_to_target", fewShot.docToTarget),
                                             ("fewshot_config.doc_to_choice", fewShot.docToChoice)]
        for (key, field) in fields { if case .hook(let hook)? = field { out.append((key, hook)) } }
        for metric in metrics {
            if let hook = metric.metricHook { out.append(("metric_list.metric", hook)) }
            if let hook = metric.aggregationHook { out.append(("metric_list.aggregation", hook)) }
        }
        for pipeline in filters {
            for step in pipeline.steps {
                if let hook = step.hook { out.append(("filter_list.filter_fn", hook)) }
                if let hook = step.delegated?.filterClass { out.append(("filter_list.filter.function", hook)) }
            }
        }
        return out
    }
    /// Where the definition came from, for errors (`file.yaml` or `task`).
    var source: String
    /// The keys as read (includes and overrides merged), for the results' `configs`.
    var keys: ConfigMapping
    var keysForResults: [(String, OrderedJSON)] { keys.map { ($0.key, $0.value.templateValue.orderedJSON) } }

    /// Every key of lm-eval 0.4.13's `TaskConfig`.
    static let knownKeys: Set<String> = [
        "task", "task_alias", "tag", "custom_dataset", "dataset_path", "dataset_name", "dataset_kwargs", "training_split",
        "validation_split", "test_split", "fewshot_split", "process_docs", "doc_to_text", "doc_to_target", "doc_to_image",
        "doc_to_audio", "unsafe_code", "doc_to_choice", "process_results", "use_prompt", "description", "target_delimiter",
        "fewshot_delimiter", "fewshot_config", "num_fewshot", "metric_list", "output_type", "generation_kwargs", "repeats",
        "filter_list", "should_decontaminate", "doc_to_decontamination_query", "gen_prefix", "metadata",
    ]

    /// Reads the merged keys.
    ///
    /// - Throws: ``TaskError`` naming the key and its `file:line`.
    init(_ keys: ConfigMapping, source: String) throws(TaskError) {
        self.source = source
        self.keys = keys
        for (key, node) in keys where !Self.knownKeys.contains(key) {
            var hint = "lm-eval 0.4.13's task keys: \(Self.knownKeys.sorted().joined(separator: ", "))"
            if key == "group" || key == "group_alias" || key == "aggregate_metric_list" {
                hint = "this is a group definition; run its tasks' own files (a task file names itself with 'task:' and may use 'tag:')"
            } else if key == "class" {
                hint = "a Python task class cannot run here; only YAML-defined tasks can"
            } else {
                hint = DidYouMean.hint(key, among: Array(Self.knownKeys)) ?? hint
            }
            throw TaskError("unknown lm-eval task key '\(key)'", at: LMEvalTaskFile.place(node, key), hint: hint)
        }
        let reader = KeyReader(keys: keys)
        processDocs = try reader.hook("process_docs")
        processResults = try reader.hook("process_results")
        customDataset = try reader.hook("custom_dataset")
        for key in ["doc_to_image", "doc_to_audio"] where reader.present(key) {
            throw TaskError("'\(key)': multimodal tasks are not supported", at: reader.place(key))
        }
        if reader.present("use_prompt") {
            throw TaskError("'use_prompt' (promptsource prompts) is not supported", at: reader.place("use_prompt"),
                            hint: "write doc_to_text and doc_to_target instead")
        }
        if try reader.bool("unsafe_code") == true {
            throw TaskError("'unsafe_code: true': the task runs generated code, which this runner does not do", at: reader.place("unsafe_code"))
        }
        name = try reader.string("task") ?? source
        alias = try reader.string("task_alias")

        // Data.
        metadata = keys["metadata"]?.mapping?.map { ($0.key, $0.value.templateValue) } ?? []
        datasetKwargs = keys["dataset_kwargs"]?.mapping?.map { ($0.key, $0.value.templateValue) } ?? []
        guard let path = try reader.string("dataset_path") ?? (customDataset == nil ? nil : "custom_dataset") else {
            throw TaskError("the task has no 'dataset_path'", at: source,
                            hint: "a Hugging Face dataset (dataset_path: org/name, read from the local caches), a folder, or local files: dataset_path: json (csv, parquet, arrow) with dataset_kwargs.data_files")
        }
        if ["text", "pandas", "imagefolder", "audiofolder", "webdataset", "sql", "generator"].contains(path) {
            throw TaskError("dataset_path '\(path)' is a loader this runner does not have", at: reader.place("dataset_path"),
                            hint: "supported: a Hugging Face dataset name or folder, or json, csv, parquet and arrow with dataset_kwargs.data_files")
        }
        datasetPath = path
        datasetName = try reader.string("dataset_name")
        var dataFiles: [(String, [String])] = []
        var jsonField: String?
        var delimiter: Character = ","
        var csvNoHeader = false
        if let kwargs = keys["dataset_kwargs"], kwargs.value != .null {
            guard let mapping = kwargs.mapping else {
                throw TaskError("'dataset_kwargs' must be a mapping", at: LMEvalTaskFile.place(kwargs, "dataset_kwargs"))
            }
            for (key, node) in mapping {
                let place = LMEvalTaskFile.place(node, "dataset_kwargs.\(key)")
                switch key {
                case "data_files":
                    switch node.value {
                    case .string(let file): dataFiles = [("train", [file])]
                    case .sequence(let items): dataFiles = [("train", try items.map { item throws(TaskError) in try Self.fileName(item, place) })]
                    case .mapping(let splits):
                        for (split, files) in splits {
                            switch files.value {
                            case .string(let file): dataFiles.append((split, [file]))
                            case .sequence(let items): dataFiles.append((split, try items.map { item throws(TaskError) in try Self.fileName(item, place) }))
                            default: throw TaskError("data files of split '\(split)' must be a file name or a list", at: place)
                            }
                        }
                    default: throw TaskError("'data_files' must be a file name, a list, or a mapping of split names to files", at: place)
                    }
                case "field":
                    guard let field = node.string else { throw TaskError("'field' must be a key name", at: place) }
                    jsonField = field
                case "delimiter", "sep":
                    guard let text = node.string, text.count == 1, let c = text.first else {
                        throw TaskError("'\(key)' must be one character", at: place)
                    }
                    delimiter = c
                case "column_names":
                    guard let items = node.sequence, !items.isEmpty, let names = Optional(items.compactMap(\.string)), names.count == items.count else {
                        throw TaskError("'column_names' must be a list of column names", at: place)
                    }
                    if Self.packagedLoaders.contains(path), path != "csv" {
                        throw TaskError("dataset_kwargs.column_names is read for CSV data only", at: place, hint: "remove it, or use dataset_path: csv")
                    }
                    csvColumnNames = names
                case "header":
                    // pandas' header: "infer" (the default: a header row unless column_names are given) or
                    // null (no header row) read as the files are; a header row replaced by column_names is not.
                    guard node.value == .null || node.string == "infer" else {
                        throw TaskError("dataset_kwargs.header: only null (no header row, with column_names) or \"infer\" is read", at: place,
                                        hint: "remove it: a CSV file's first row is its header unless column_names are given")
                    }
                    csvNoHeader = node.value == .null
                case "revision":
                    guard let text = node.string else { throw TaskError("'revision' must be a branch, tag or commit", at: place) }
                    revision = text
                case "data_dir":
                    guard let text = node.string else { throw TaskError("'data_dir' must be a folder in the dataset", at: place) }
                    dataDir = text
                case "name":
                    guard let text = node.string else { throw TaskError("'name' must be a config name", at: place) }
                    datasetName = text
                case "trust_remote_code", "keep_in_memory", "cache_dir", "download_mode", "verification_mode", "num_proc", "token",
                     "streaming", "storage_options":
                    continue  // Loader settings with no effect on data read from local files.
                default:
                    // lm-eval passes dataset_kwargs to custom_dataset(**metadata, **dataset_kwargs) whole:
                    // there any key is the hook's own.
                    if customDataset != nil { continue }
                    throw TaskError("dataset_kwargs.\(key) is not supported", at: place,
                                    hint: "supported: data_files, data_dir, revision, name, field (json), delimiter or sep and column_names (csv)")
                }
            }
        }
        guard !dataFiles.isEmpty || !Self.packagedLoaders.contains(path) else {
            throw TaskError("the task names no local files", at: reader.place("dataset_path"),
                            hint: "add dataset_kwargs: {data_files: {test: path/to/test.\(path == "json" ? "jsonl" : path)}}")
        }
        self.dataFiles = dataFiles
        self.jsonField = jsonField
        csvDelimiter = delimiter
        if csvNoHeader, csvColumnNames == nil {
            throw TaskError("dataset_kwargs.header: null needs column_names (the file has no header row to name the columns)",
                            at: LMEvalTaskFile.place(keys["dataset_kwargs"]!, "dataset_kwargs.header"), hint: "add column_names: [name, ...]")
        }
        trainingSplit = try reader.string("training_split")
        validationSplit = try reader.string("validation_split")
        testSplit = try reader.string("test_split")
        fewshotSplit = try reader.string("fewshot_split")
        guard testSplit != nil || validationSplit != nil else {
            throw TaskError("the task has neither test_split nor validation_split: nothing to evaluate", at: source,
                            hint: "data_files given as one file or a list make a split named 'train': add test_split: train")
        }
        // A hub dataset's splits are known once its files are found (LMEvalDataset checks them then).
        for (key, split) in [("training_split", trainingSplit), ("validation_split", validationSplit), ("test_split", testSplit), ("fewshot_split", fewshotSplit)]
            where !dataFiles.isEmpty {
            if let split, !dataFiles.contains(where: { $0.0 == split }) {
                throw TaskError("\(key) '\(split)' is not among the data files' splits (\(dataFiles.map(\.0).joined(separator: ", ")))",
                                at: reader.place(key), hint: "name the split in dataset_kwargs.data_files, like {\(split): file.jsonl}")
            }
        }

        // Prompt.
        docToText = try reader.docField("doc_to_text")
        docToTarget = try reader.docField("doc_to_target")
        docToChoice = try reader.docField("doc_to_choice")
        description = try reader.docField("description")
        genPrefix = try reader.docField("gen_prefix")
        targetDelimiter = try reader.string("target_delimiter") ?? " "
        fewshotDelimiter = try reader.string("fewshot_delimiter") ?? "\n\n"
        numFewshot = try reader.int("num_fewshot")
        if let n = numFewshot, n < 0 { throw TaskError("'num_fewshot' must be zero or more, not \(n)", at: reader.place("num_fewshot")) }

        var fewShot = FewShot(sampler: .default, split: fewshotSplit, samples: nil, samplesHook: nil, processDocs: processDocs, docToText: docToText, docToTarget: docToTarget,
                              docToChoice: docToChoice, genPrefix: genPrefix, targetDelimiter: targetDelimiter, fewshotDelimiter: fewshotDelimiter)
        if let node = keys["fewshot_config"], case .mapping(let settings) = node.value {
            let inner = KeyReader(keys: settings, prefix: "fewshot_config.")
            for (key, value) in settings {
                switch key {
                case "sampler":
                    guard let name = value.string, let sampler = FewShot.Sampler(rawValue: name) else {
                        throw TaskError("fewshot_config.sampler must be 'default' or 'first_n'", at: LMEvalTaskFile.place(value, "fewshot_config.sampler"),
                                        hint: "lm-eval registers only these two samplers")
                    }
                    fewShot.sampler = sampler
                case "split": fewShot.split = try inner.string("split")
                case "samples":
                    if let hook = LMEvalHook(value, key: "fewshot_config.samples") {
                        fewShot.samplesHook = hook
                        continue
                    }
                    guard case .sequence(let items) = value.value else {
                        throw TaskError("fewshot_config.samples must be a list of documents", at: LMEvalTaskFile.place(value, "fewshot_config.samples"))
                    }
                    fewShot.samples = items.map(\.templateValue)
                case "doc_to_text": fewShot.docToText = try inner.docField("doc_to_text")
                case "doc_to_target": fewShot.docToTarget = try inner.docField("doc_to_target")
                case "doc_to_choice": fewShot.docToChoice = try inner.docField("doc_to_choice")
                case "gen_prefix": fewShot.genPrefix = try inner.docField("gen_prefix")
                case "target_delimiter": fewShot.targetDelimiter = try inner.string("target_delimiter") ?? " "
                case "fewshot_delimiter": fewShot.fewshotDelimiter = try inner.string("fewshot_delimiter") ?? "\n\n"
                case "fewshot_indices": continue  // Accepted and ignored by lm-eval 0.4.13 too.
                case "process_docs": fewShot.processDocs = try inner.hook("process_docs")
                default:
                    throw TaskError("unknown key 'fewshot_config.\(key)'", at: LMEvalTaskFile.place(value, "fewshot_config.\(key)"),
                                    hint: "known: sampler, split, samples, doc_to_text, doc_to_target, doc_to_choice, gen_prefix, target_delimiter, fewshot_delimiter")
                }
            }
            if let split = fewShot.split, !dataFiles.isEmpty, !dataFiles.contains(where: { $0.0 == split }) {
                throw TaskError("fewshot_config.split '\(split)' is not among the data files' splits", at: inner.place("split"))
            }
        } else if let node = keys["fewshot_config"], node.value != .null {
            throw TaskError("'fewshot_config' must be a mapping", at: LMEvalTaskFile.place(node, "fewshot_config"))
        }
        self.fewShot = fewShot

        // Requests and scoring.
        let outputName = try reader.string("output_type") ?? "generate_until"
        guard let outputType = OutputType(rawValue: outputName) else {
            throw TaskError("output_type '\(outputName)' is not one of \(OutputType.allCases.map(\.rawValue).joined(separator: ", "))",
                            at: reader.place("output_type"))
        }
        self.outputType = outputType
        if outputType == .multipleChoice, docToChoice == nil {
            throw TaskError("a multiple_choice task needs doc_to_choice", at: source, hint: "doc_to_choice: a field holding the options, a Jinja template, or a list")
        }
        if docToText == nil {
            throw TaskError("the task has no doc_to_text", at: source,
                            hint: outputType == .loglikelihoodRolling ? "rolling tasks still need one, as in lm-eval: doc_to_text: \"\"" : "doc_to_text: a field or a Jinja template")
        }
        if docToTarget == nil {
            throw TaskError("the task has no doc_to_target", at: source, hint: "doc_to_target: a field, a Jinja template or an index")
        }
        repeats = try reader.int("repeats") ?? 1
        guard repeats >= 1 else { throw TaskError("'repeats' must be at least 1", at: reader.place("repeats")) }

        var metrics: [Metric] = []
        if let node = keys["metric_list"], node.value != .null {
            guard let items = node.sequence else { throw TaskError("'metric_list' must be a list", at: LMEvalTaskFile.place(node, "metric_list")) }
            for item in items {
                guard let entry = item.mapping, let metricNode = entry["metric"], var name = metricNode.string else {
                    throw TaskError("each metric_list entry needs 'metric: <name>'", at: LMEvalTaskFile.place(item, "metric_list"))
                }
                let metricHook = LMEvalHook(metricNode, key: "metric_list.metric")
                if let metricHook { name = metricHook.name }
                let known = MetricRegistry.default.metric(named: name)
                let supported = Self.supportedMetrics[outputType] ?? []
                // With process_results (or a metric function) the metric is whatever the hook returns.
                if metricHook != nil, outputType != .generateUntil, processResults == nil {
                    throw TaskError("a metric function ('metric: !function') is supported for generate_until tasks", at: LMEvalTaskFile.place(metricNode, "metric_list.metric"),
                                    hint: "or compute the metric in process_results")
                }
                // hf_evaluate only matters where lm-eval calls the metric function: generate_until
                // without process_results (elsewhere lm-eval logs the failed load and goes on).
                let hfEvaluate = entry["hf_evaluate"]?.value == .bool(true)
                let delegated = outputType == .generateUntil && processResults == nil && metricHook == nil
                    && (!supported.contains(name) || hfEvaluate)
                guard supported.contains(name) || processResults != nil || metricHook != nil || delegated else {
                    throw TaskError("metric '\(name)' is not supported for \(outputType.rawValue) tasks here",
                                    at: LMEvalTaskFile.place(entry["metric"]!, "metric_list.metric"),
                                    hint: "supported: \(supported.sorted().joined(separator: ", "))")
                }
                var aggregation = known?.aggregation ?? "mean"
                var aggregationHook: LMEvalHook?
                var aggregationGiven: String?
                if let a = entry["aggregation"], let hook = LMEvalHook(a, key: "metric_list.aggregation") {
                    aggregationHook = hook
                    aggregation = "custom"
                } else if let a = entry["aggregation"] {
                    let names = delegated ? Self.aggregations.union(Self.lmEvalAggregations) : Self.aggregations
                    guard let text = a.string, names.contains(text) else {
                        throw TaskError("aggregation must be one of \(names.sorted().joined(separator: ", "))",
                                        at: LMEvalTaskFile.place(a, "metric_list.aggregation"),
                                        hint: Self.lmEvalAggregations.contains(a.string ?? "") ? "'\(a.string ?? "")' is computed by lm-eval itself, for generate_until metrics without process_results" : nil)
                    }
                    aggregation = text
                    aggregationGiven = text
                }
                var higher = known?.higherIsBetter ?? true
                if let h = entry["higher_is_better"] {
                    guard case .bool(let b) = h.value else { throw TaskError("higher_is_better must be true or false", at: LMEvalTaskFile.place(h, "higher_is_better")) }
                    higher = b
                }
                let options = entry.filter { !["metric", "aggregation", "higher_is_better", "hf_evaluate"].contains($0.key) }.map { ($0.key, $0.value.templateValue) }
                let allowed = name == "exact_match" ? ["ignore_case", "ignore_punctuation", "ignore_numbers", "regexes_to_ignore"] : []
                // lm-eval passes a metric's options only to generate_until metric functions; elsewhere
                // (acc with weight_by_size, f1 with average) and with process_results they are read
                // and ignored, as here; a metric function (!function) takes them.
                if outputType == .generateUntil, processResults == nil, metricHook == nil, !delegated, let bad = options.first(where: { !allowed.contains($0.0) }) {
                    throw TaskError("metric '\(name)' has no option '\(bad.0)'", at: LMEvalTaskFile.place(entry[bad.0]!, "metric_list.\(bad.0)"),
                                    hint: allowed.isEmpty ? "it takes none" : "its options: \(allowed.joined(separator: ", "))")
                }
                metrics.append(Metric(name: name, aggregation: aggregation, higherIsBetter: higher, options: options,
                                      metricHook: metricHook, aggregationHook: aggregationHook, delegated: delegated, hfEvaluate: hfEvaluate,
                                      aggregationGiven: aggregationGiven))
            }
        } else {
            metrics = (Self.defaultMetrics[outputType] ?? []).compactMap { name in
                MetricRegistry.default.metric(named: name).map { Metric(name: name, aggregation: $0.aggregation, higherIsBetter: $0.higherIsBetter, options: []) }
            }
        }
        self.metrics = metrics

        if let node = keys["generation_kwargs"], node.value != .null {
            guard let mapping = node.mapping else { throw TaskError("'generation_kwargs' must be a mapping", at: LMEvalTaskFile.place(node, "generation_kwargs")) }
            var kwargs = mapping.map { ($0.key, $0.value.templateValue) }
            if let i = kwargs.firstIndex(where: { $0.0 == "temperature" }), let t = kwargs[i].1.number { kwargs[i].1 = .double(t) }
            if !kwargs.contains(where: { $0.0 == "until" }) { kwargs.append(("until", .array([.string(fewshotDelimiter)]))) }
            generationKwargs = kwargs
        } else if outputType == .generateUntil {
            generationKwargs = [("temperature", .double(0)), ("do_sample", .bool(false)), ("max_gen_toks", .int(256)),
                                ("until", .array([.string(fewshotDelimiter)]))]
        } else {
            generationKwargs = nil
        }

        var filters: [FilterPipeline] = []
        if let node = keys["filter_list"], node.value != .null {
            guard let items = node.sequence else { throw TaskError("'filter_list' must be a list", at: LMEvalTaskFile.place(node, "filter_list")) }
            for item in items {
                guard let entry = item.mapping, let name = entry["name"]?.string, let steps = entry["filter"]?.sequence else {
                    throw TaskError("each filter_list entry needs 'name' and a 'filter' list", at: LMEvalTaskFile.place(item, "filter_list"))
                }
                var pipeline = FilterPipeline(name: name, steps: [])
                for step in steps {
                    guard let stepMap = step.mapping, let function = stepMap["function"]?.string else {
                        throw TaskError("each filter step needs 'function: <name>'", at: LMEvalTaskFile.place(step, "filter_list.filter"))
                    }
                    let kwargs = stepMap.filter { $0.key != "function" }.map { ($0.key, $0.value.templateValue) }
                    if let node = stepMap["function"], let filterClass = LMEvalHook(node, key: "filter_list.filter.function") {
                        pipeline.steps.append(FilterStep(function: function, options: kwargs,
                                                         delegated: LMEvalDelegatedFilter(name: filterClass.name, filterClass: filterClass, kwargs: kwargs)))
                        continue
                    }
                    if function == "custom" {
                        guard let node = stepMap["filter_fn"], let hook = LMEvalHook(node, key: "filter_list.filter.filter_fn") else {
                            throw TaskError("filter 'custom' needs filter_fn: !function module.function", at: LMEvalTaskFile.place(step, "filter_list.filter"))
                        }
                        pipeline.steps.append(FilterStep(function: function, options: [], hook: hook))
                        continue
                    }
                    guard LMEvalFilters.known.contains(function) else {
                        // Another filter registered with lm-eval (by lm-eval itself or by a task's module): lm-eval runs it.
                        pipeline.steps.append(FilterStep(function: function, options: kwargs,
                                                         delegated: LMEvalDelegatedFilter(name: function, filterClass: nil, kwargs: kwargs)))
                        continue
                    }
                    pipeline.steps.append(FilterStep(function: function, options: stepMap.filter { $0.key != "function" }.map { ($0.key, $0.value.templateValue) }))
                }
                filters.append(pipeline)
            }
        } else {
            filters = [FilterPipeline(name: "none", steps: [FilterStep(function: "take_first", options: [])])]
        }
        self.filters = filters
        version = keys["metadata"]?.mapping?["version"]?.templateValue
        _ = try reader.bool("should_decontaminate")  // Inert in lm-eval 0.4.13 as well.
    }

    static let defaultMetrics: [OutputType: [String]] = [
        .loglikelihood: ["perplexity", "acc"], .loglikelihoodRolling: ["word_perplexity", "byte_perplexity", "bits_per_byte"],
        .multipleChoice: ["acc", "acc_norm"], .generateUntil: ["exact_match"],
    ]

    static let supportedMetrics: [OutputType: Set<String>] = [
        // lm-eval's `likelihood` ((gold, lls) for a custom aggregation) is not: a list per document.
        .multipleChoice: ["acc", "acc_norm", "acc_bytes", "acc_mutual_info", "exact_match", "f1", "mcc", "brier_score"],
        .loglikelihood: ["perplexity", "acc"],
        .loglikelihoodRolling: ["word_perplexity", "byte_perplexity", "bits_per_byte"],
        .generateUntil: ["exact_match"],
    ]

    /// lm-eval 0.4.13's aggregations that ``MetricRegistry`` computes.
    static let aggregations: Set<String> = ["mean", "median", "perplexity", "weighted_perplexity", "bits_per_byte", "f1", "matthews_corrcoef", "brier_score",
                                            "nanmean", "bypass"]
    /// lm-eval 0.4.13's other registered aggregations: corpus scores over texts, run by lm-eval (delegated metrics).
    static let lmEvalAggregations: Set<String> = ["bleu", "chrf", "chrf++", "ter"]

    private static func fileName(_ node: ConfigNode, _ place: String) throws(TaskError) -> String {
        guard let name = node.string else { throw TaskError("a data file must be a path", at: place) }
        return name
    }
}

/// Typed reads of top-level keys, with errors at the key's file position.
private struct KeyReader {
    let keys: ConfigMapping
    var prefix = ""

    func present(_ key: String) -> Bool {
        guard let node = keys[key] else { return false }
        return node.value != .null
    }

    func place(_ key: String) -> String {
        keys[key].map { LMEvalTaskFile.place($0, prefix + key) } ?? prefix + key
    }

    func string(_ key: String) throws(TaskError) -> String? {
        guard let node = keys[key] else { return nil }
        switch node.value {
        case .null: return nil
        case .string(let s): return s
        case .int, .double, .bool: return PythonFormat.str(node.value)
        default: throw TaskError("'\(prefix + key)' must be a string, not \(node.kindDescription)", at: place(key))
        }
    }

    func int(_ key: String) throws(TaskError) -> Int? {
        guard let node = keys[key] else { return nil }
        switch node.value {
        case .null: return nil
        case .int(let i): return i
        default: throw TaskError("'\(prefix + key)' must be an integer, not \(node.kindDescription)", at: place(key))
        }
    }

    func bool(_ key: String) throws(TaskError) -> Bool? {
        guard let node = keys[key] else { return nil }
        switch node.value {
        case .null: return nil
        case .bool(let b): return b
        default: throw TaskError("'\(prefix + key)' must be true or false, not \(node.kindDescription)", at: place(key))
        }
    }

    /// A `!function` hook; any other non-null value is an error (lm-eval would call it).
    func hook(_ key: String) throws(TaskError) -> LMEvalHook? {
        guard let node = keys[key], node.value != .null else { return nil }
        guard let hook = LMEvalHook(node, key: prefix + key) else {
            throw TaskError("'\(prefix + key)' must be a Python function: !function module.function", at: place(key),
                            hint: "lm-eval calls it; the module is module.py beside the YAML file")
        }
        return hook
    }

    func docField(_ key: String) throws(TaskError) -> LMEvalTaskDefinition.DocField? {
        guard let node = keys[key] else { return nil }
        if let hook = LMEvalHook(node, key: prefix + key) { return .hook(hook) }
        switch node.value {
        case .null: return nil
        case .int(let i): return .int(i)
        case .string(let s):
            do {
                return .string(s, try JinjaTemplate(s, options: .lmEval))
            } catch {
                throw TaskError("'\(prefix + key)' is not a valid Jinja template: \(error)", at: place(key))
            }
        case .double, .bool, .bigInt: return .string(PythonFormat.str(node.value), try! JinjaTemplate(PythonFormat.str(node.value), options: .lmEval))
        case .sequence(let items): return .list(items.map(\.templateValue))
        case .mapping(let m): return .dict(m.map { $0.value.templateValue })
        }
    }
}
