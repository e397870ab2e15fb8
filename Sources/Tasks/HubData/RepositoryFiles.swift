import Foundation

/// Every file under a dataset folder, as repository-relative `/` paths sorted as fsspec sorts
/// them (by code point). Symlinks are followed (hub snapshots link into `blobs/`), but each
/// folder is walked once (by device and inode), so links that loop or branch back stop there;
/// so does a folder deeper than 64 levels. A folder with more than `limit` files is not a
/// dataset (`dataset_path: /` by mistake): an error, not a walk of the whole disk.
enum RepositoryFiles {
    static let limit = 200_000

    static func list(_ root: String) throws(TaskError) -> [String] {
        var found: [String] = []
        var visited = Set<FolderID>()
        walk(root, prefix: "", depth: 0, into: &found, visited: &visited)
        if found.count > limit || visited.count > limit {
            throw TaskError("the folder holds more than \(limit) files or folders: it does not look like one dataset", at: root,
                            hint: "dataset_path names the dataset's own folder (the one with its README.md or data files)")
        }
        return found.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    /// A folder's identity on disk, whatever link led to it.
    struct FolderID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    private static func walk(_ folder: String, prefix: String, depth: Int, into found: inout [String], visited: inout Set<FolderID>) {
        var info = stat()
        guard depth < 64, found.count <= limit, visited.count <= limit, stat(folder, &info) == 0,
              visited.insert(FolderID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted,
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where found.count <= limit && visited.count <= limit {
            let path = folder + "/" + name
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                walk(path, prefix: prefix + name + "/", depth: depth + 1, into: &found, visited: &visited)
            } else {
                found.append(prefix + name)
            }
        }
    }
}
