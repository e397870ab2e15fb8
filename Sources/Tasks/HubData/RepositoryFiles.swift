import Foundation

/// Every file under a dataset folder, as repository-relative `/` paths sorted as fsspec sorts
/// them (by code point). Symlinks are followed (hub snapshots link into `blobs/`); a link loop
/// or a folder deeper than 64 levels stops the walk there.
enum RepositoryFiles {
    static func list(_ root: String) -> [String] {
        var found: [String] = []
        walk(root, prefix: "", depth: 0, into: &found)
        return found.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    private static func walk(_ folder: String, prefix: String, depth: Int, into found: inout [String]) {
        guard depth < 64, let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names {
            let path = folder + "/" + name
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                walk(path, prefix: prefix + name + "/", depth: depth + 1, into: &found)
            } else {
                found.append(prefix + name)
            }
        }
    }
}
