/// The Hub's parquet export (branch `refs/convert/parquet`, written by the dataset viewer's
/// parquet-converter): `<config>/<split>/NNNN.parquet`, or `<config>/partial-<split>/NNNN.parquet`
/// for a split converted only in part (its split is still `<split>`). That branch has no
/// README `configs:`; the configs are the top folders.
enum ParquetExportLayout {
    /// Config to splits to files (relative, sorted), when every data file has that shape.
    static func configs(_ files: [String]) -> [(config: String, splits: [(split: String, files: [String])])]? {
        var result: [(config: String, splits: [(split: String, files: [String])])] = []
        var any = false
        for file in files where !DataFileGlob.unrequestedHidden(file, pattern: "") && !DataFilesResolver.ignored.contains(DataFilesResolver.baseName(file)) {
            let parts = file.split(separator: "/").map(String.init)
            guard parts.count == 3, parts[2].hasSuffix(".parquet"),
                  !parts[2].dropLast(8).isEmpty, parts[2].dropLast(8).allSatisfy({ $0.isASCII }), parts[2].dropLast(8).allSatisfy({ $0.isNumber }) else {
                if DataFilesResolver.hasDataExtension(file) { return nil }
                continue
            }
            any = true
            let split = parts[1].hasPrefix("partial-") ? String(parts[1].dropFirst(8)) : parts[1]
            if let c = result.firstIndex(where: { $0.config == parts[0] }) {
                if let s = result[c].splits.firstIndex(where: { $0.split == split }) {
                    result[c].splits[s].files.append(file)
                } else {
                    result[c].splits.append((split, [file]))
                }
            } else {
                result.append((parts[0], [(split, [file])]))
            }
        }
        return any ? result : nil
    }
}
