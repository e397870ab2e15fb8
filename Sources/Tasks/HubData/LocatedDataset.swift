/// One data file found for a split: where it is, how to read it.
public struct LocatedDataFile: Sendable, Equatable {
    /// The file's path (a hub snapshot's symlink, read through to its blob).
    public var path: String
    public var format: DataFileFormat
    /// `.gz` and the like, when the name ends with one.
    public var compression: String?

    public init(path: String, format: DataFileFormat, compression: String? = nil) {
        self.path = path
        self.format = format
        self.compression = compression
    }
}

/// The splits of one config of a folder of data files.
public struct ResolvedDataFiles: Sendable {
    public var config: String
    /// Split name to its files in read order, splits in the order the card or inference gave.
    public var splits: [(split: String, files: [LocatedDataFile])]
    /// The features as JSON text (`dataset_info.json` or the card's `dataset_info:`), if known.
    public var features: String?

    /// The files of one split.
    public func files(_ split: String) -> [LocatedDataFile]? { splits.first { $0.split == split }?.files }
}

/// A dataset found offline: which cache or folder, the config, and each split's files.
public struct LocatedDataset: Sendable {
    public enum Source: Sendable, Equatable {
        /// `datasets`' prepared Arrow files: the `.../<config>/<version>/<hash>` folder.
        case datasetsCache(folder: String)
        /// A huggingface_hub snapshot: the `snapshots/<sha>` folder and the commit.
        case hubSnapshot(folder: String, commit: String)
        /// A plain folder given as `dataset_path`.
        case localFolder(String)
    }

    public var source: Source
    public var config: String
    public var splits: [(split: String, files: [LocatedDataFile])]
    public var features: String?

    public func files(_ split: String) -> [LocatedDataFile]? { splits.first { $0.split == split }?.files }
    public var splitNames: [String] { splits.map(\.split) }
}

extension LocatedDataset.Source: CustomStringConvertible {
    /// Where the files were found, for messages.
    public var description: String {
        switch self {
        case .datasetsCache(let folder): return "the datasets cache, \(folder)"
        case .hubSnapshot(let folder, _): return "the hub cache, \(folder)"
        case .localFolder(let folder): return "the folder \(folder)"
        }
    }
}
