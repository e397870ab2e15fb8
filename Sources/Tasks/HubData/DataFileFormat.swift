/// The kind of a data file, from its name, as `datasets` maps extensions to builders
/// (`packaged_modules._EXTENSION_TO_MODULE`): `.parquet`/`.geoparquet`/`.gpq` → parquet,
/// `.arrow` → arrow, `.json`/`.jsonl`/`.ndjson` → json, `.csv` → csv, `.tsv` → csv with tabs.
/// A trailing `.gz` (or other compression suffix) is kept in ``compression``.
public enum DataFileFormat: Sendable, Equatable, CustomStringConvertible {
    case parquet
    case arrow
    case json
    case csv(delimiter: Character)
    /// A builder the runner does not read (text, webdataset, imagefolder, ...), by name.
    case unsupported(String)

    public var description: String {
        switch self {
        case .parquet: return "parquet"
        case .arrow: return "arrow"
        case .json: return "json"
        case .csv(let d): return d == "\t" ? "tsv" : "csv"
        case .unsupported(let module): return module
        }
    }

    /// The builder (`datasets` module name) of each data-file extension the Hub knows; other
    /// extensions are not data files.
    static let modules: [String: String] = {
        var table: [String: String] = [
            ".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "json", ".ndjson": "json",
            ".parquet": "parquet", ".geoparquet": "parquet", ".gpq": "parquet", ".arrow": "arrow",
            ".txt": "text", ".conll": "conll", ".conllu": "conll", ".tar": "webdataset", ".xml": "xml",
            ".hdf5": "hdf5", ".h5": "hdf5", ".eval": "eval", ".toml": "harbor", ".md": "harbor",
            ".lance": "lance", ".tsfile": "tsfile", ".vortex": "vortex",
            ".fa": "fasta", ".fasta": "fasta", ".fna": "fasta", ".ffn": "fasta", ".faa": "fasta", ".frn": "fasta", ".afa": "fasta",
            ".gb": "genbank", ".gbk": "genbank", ".genbank": "genbank", ".fq": "fastq", ".fastq": "fastq",
            ".pdb": "pdb", ".ent": "pdb", ".cif": "mmcif", ".mmcif": "mmcif",
        ]
        for ext in ["png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp"] { table["." + ext] = "imagefolder" }
        for ext in ["wav", "mp3", "flac", "ogg", "opus"] { table["." + ext] = "audiofolder" }
        for ext in ["mp4", "mov", "avi", "mkv", "webm"] { table["." + ext] = "videofolder" }
        table[".pdf"] = "pdffolder"
        return table
    }()

    /// The extensions of one builder, for filtering a config's files to it.
    static func extensions(of module: String) -> [String] {
        modules.filter { $0.value == module }.map(\.key) + [".zip"]
    }

    /// The format a builder reads, for one file (json and csv files also by their own extension).
    static func of(module: String, file: String) -> DataFileFormat {
        switch module {
        case "parquet": return .parquet
        case "arrow": return .arrow
        case "json": return .json
        case "csv": return suffixes(file).contains(".tsv") ? .csv(delimiter: "\t") : .csv(delimiter: ",")
        default: return .unsupported(module)
        }
    }

    /// The compression suffix of a file name (`.gz`, `.zst`, `.bz2`, `.xz`, `.zip`), if any.
    static func compression(of file: String) -> String? {
        let last = suffixes(file).last
        return [".gz", ".zst", ".bz2", ".xz", ".zip", ".lz4"].contains(last ?? "") ? last : nil
    }

    /// `"." + suffix.lower()` for each dot-separated part after the first of the base name.
    static func suffixes(_ file: String) -> [String] {
        let base = file.split(separator: "/").last.map(String.init) ?? file
        return base.split(separator: ".", omittingEmptySubsequences: false).dropFirst().map { "." + $0.lowercased() }
    }
}
