import Config
import Foundation

/// Finds a Hugging Face dataset on this machine without any network, for an lm-eval task's
/// `dataset_path` / `dataset_name` / `dataset_kwargs`. Integration point:
///
/// ```swift
/// let located = try HubDatasetLocator(paths: HuggingFaceCachePaths())
///     .locate(path: task.datasetPath, config: task.datasetName,
///             revision: kwargs.revision, dataDir: kwargs.dataDir, dataFiles: kwargs.dataFiles)
/// for file in located.files("test") ?? [] { records += try DataFileRecords.read(file) }
/// ```
///
/// Places tried, in order:
/// 1. the `datasets` Arrow cache (``DatasetsArrowCache``), as `load_dataset` does offline
///    (skipped when `data_dir`/`data_files` are given: those are cached under a hashed
///    `config_id` this runner does not recompute);
/// 2. the hub cache snapshot of `revision` (``HuggingFaceHubSnapshot``), its files picked by
///    ``DataFilesResolver`` (or by ``ParquetExportLayout`` for `refs/convert/parquet`);
/// 3. `path` as a folder (absolute, or relative to the working directory).
///
/// Nothing found is one ``TaskError`` listing every path looked at and how to fill a cache.
public struct HubDatasetLocator: Sendable {
    public var paths: HuggingFaceCachePaths
    /// The folder relative `dataset_path`s are resolved against.
    public var workingDirectory: String

    public init(paths: HuggingFaceCachePaths = HuggingFaceCachePaths(), workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.paths = paths
        self.workingDirectory = workingDirectory
    }

    /// - Parameters:
    ///   - path: `dataset_path` (`org/name`, `name`, or a folder).
    ///   - config: `dataset_name`; nil for the default config.
    ///   - revision: `dataset_kwargs.revision` (a branch, a ref, or a commit).
    ///   - dataDir: `dataset_kwargs.data_dir`.
    ///   - dataFiles: `dataset_kwargs.data_files` as split to patterns.
    public func locate(path: String, config: String?, revision: String? = nil, dataDir: String? = nil,
                       dataFiles: [(split: String, patterns: [String])]? = nil) throws(TaskError) -> LocatedDataset {
        var looked: [String] = []
        let isRepoID = !path.hasPrefix("/") && !path.hasPrefix(".") && !path.hasPrefix("~") && path.split(separator: "/").count <= 2
            && !path.isEmpty && !path.contains("\\")
        if isRepoID {
            if dataDir == nil && dataFiles == nil {
                let cache = DatasetsArrowCache(root: paths.datasets)
                let folder = cache.datasetFolder(path)
                looked.append(folder + "/" + (config ?? "*") + "/*/*/dataset_info.json")
                if let found = try cache.locate(repo: path, config: config, revision: revision) { return found }
                let cached = cache.cachedConfigs(repo: path)
                if let config, !cached.isEmpty, !localFolderExists(path), snapshotFolder(path, revision) == nil {
                    throw unknownConfig(config, among: cached, place: folder)
                }
            }
            let hub = HuggingFaceHubSnapshot(root: paths.hub)
            if let snapshot = hub.snapshot(repo: path, revision: revision, looked: &looked) {
                let resolved = try resolve(folder: snapshot.folder, config: config, dataDir: dataDir, dataFiles: dataFiles,
                                           parquetExport: revision?.hasPrefix("refs/convert/parquet") == true)
                return LocatedDataset(source: .hubSnapshot(folder: snapshot.folder, commit: snapshot.commit), config: resolved.config,
                                      splits: resolved.splits, features: resolved.features)
            }
        }
        let folder = path.hasPrefix("/") ? path : path.hasPrefix("~/") ? NSHomeDirectory() + path.dropFirst() : workingDirectory + "/" + path
        looked.append(folder)
        if localFolderExists(folder) {
            let resolved = try resolve(folder: folder, config: config, dataDir: dataDir, dataFiles: dataFiles, parquetExport: false)
            return LocatedDataset(source: .localFolder(folder), config: resolved.config, splits: resolved.splits, features: resolved.features)
        }
        let repo = isRepoID && path.contains("/") ? path : "ORG/NAME"
        throw TaskError("dataset '\(path)' is not on this machine; looked in:\n" + looked.map { "  " + $0 }.joined(separator: "\n"),
                        at: nil,
                        hint: "on a machine with network: huggingface-cli download \(repo) --repo-type dataset (then copy ~/.cache/huggingface/hub here), or run lm-eval once online to fill the datasets cache")
    }

    /// The files of one config of a folder: the parquet export's layout when asked for or when
    /// the folder has nothing but that layout and no `configs:`, else `datasets`' rules.
    func resolve(folder: String, config: String?, dataDir: String?, dataFiles: [(split: String, patterns: [String])]?,
                 parquetExport: Bool) throws(TaskError) -> ResolvedDataFiles {
        let resolver = try DataFilesResolver(root: folder)
        if dataDir == nil, dataFiles == nil, resolver.card.configs.isEmpty, let export = ParquetExportLayout.configs(resolver.files),
           parquetExport || !resolver.files.contains("README.md") {
            let names = export.map(\.config)
            let chosen: String
            if let config {
                guard names.contains(config) else { throw unknownConfig(config, among: names, place: folder) }
                chosen = config
            } else if names.count == 1 {
                chosen = names[0]
            } else if names.contains("default") {
                chosen = "default"
            } else {
                throw TaskError("the parquet export has several configs and the task names none (dataset_name)", at: folder,
                                hint: "set dataset_name to one of: \(names.joined(separator: ", "))")
            }
            let splits = export.first { $0.config == chosen }!.splits.map { entry in
                (entry.split, entry.files.map { LocatedDataFile(path: join(folder, $0), format: .parquet) })
            }
            return ResolvedDataFiles(config: chosen, splits: splits, features: nil)
        }
        return try resolver.resolve(config: config, dataDir: dataDir, dataFiles: dataFiles)
    }

    private func localFolderExists(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }

    private func snapshotFolder(_ repo: String, _ revision: String?) -> String? {
        var ignored: [String] = []
        return HuggingFaceHubSnapshot(root: paths.hub).snapshot(repo: repo, revision: revision, looked: &ignored)?.folder
    }

    private func unknownConfig(_ config: String, among names: [String], place: String) -> TaskError {
        var hint = "the configs are: \(names.prefix(60).joined(separator: ", "))\(names.count > 60 ? ", ..." : "")"
        hint = DidYouMean.hint(config, among: names, then: hint)
        return TaskError("the dataset has no config '\(config)' (dataset_name)", at: place, hint: hint)
    }
}
