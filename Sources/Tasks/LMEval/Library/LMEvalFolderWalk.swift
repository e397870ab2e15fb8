#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The task files of one folder as lm-eval finds them: `Path.glob("**/*.yaml")` (hidden names
/// included, symlinked folders not entered, symlinked files taken), nothing under a
/// `__pycache__` or `.ipynb_checkpoints` folder, sorted by path as Python sorts strings.
/// Also the folders seen, with their modification times, so a cache can tell when a file
/// was added or removed.
struct LMEvalFolderWalk {
    struct File {
        /// Relative to the folder walked, `/`-separated.
        var relative: String
        /// Only the last component may be a link (linked folders are not entered).
        var isLink: Bool
    }

    var files: [File] = []
    /// Every folder entered (the root as ""), with its modification time in nanoseconds.
    var folders: [(relative: String, modified: Int64)] = []

    static let ignoredFolders: Set<String> = ["__pycache__", ".ipynb_checkpoints"]

    init(root: String) {
        walk(root: root, relative: "")
        files.sort { PythonStringOrder.precedes($0.relative, $1.relative) }
    }

    private mutating func walk(root: String, relative: String) {
        let path = relative.isEmpty ? root : root + "/" + relative
        guard let dir = opendir(path) else { return }
        defer { closedir(dir) }
        folders.append((relative, Self.modified(path) ?? 0))
        var subfolders: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let child = relative.isEmpty ? name : relative + "/" + name
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) {
                var info = stat()
                guard lstat(root + "/" + child, &info) == 0 else { continue }
                type = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : (info.st_mode & S_IFMT) == S_IFLNK ? UInt8(DT_LNK) : UInt8(DT_REG)
            }
            if type == UInt8(DT_DIR) {
                if !Self.ignoredFolders.contains(name) { subfolders.append(child) }
            }
            if name.utf8.count >= 5 && name.hasSuffix(".yaml") && type != UInt8(DT_DIR) {
                files.append(File(relative: child, isLink: type == UInt8(DT_LNK)))
            }
        }
        for folder in subfolders { walk(root: root, relative: folder) }
    }

    /// A path's modification time in nanoseconds (following links); nil when it is missing.
    static func modified(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return modified(info)
    }

    static func modified(_ info: stat) -> Int64 {
        #if canImport(Darwin)
        return Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
        return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
    }

    /// `realpath(3)`: what Python's `Path.resolve()` gives for a path that exists.
    static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// A whole file's bytes and modification time; nil when it cannot be read (a folder, no permission).
    static func readWithTime(_ path: String) -> ([UInt8], Int64)? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var bytes: [UInt8] = []
        var capacity = max(Int(info.st_size), 0) + 1
        var count = 0
        while true {
            if bytes.count < capacity { bytes.append(contentsOf: repeatElement(0, count: capacity - bytes.count)) }
            let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, capacity - count) }
            if got < 0 { if errno == EINTR { continue }; return nil }
            if got == 0 { break }
            count += got
            if count == capacity { capacity *= 2 }
        }
        bytes.removeSubrange(count...)
        return (bytes, modified(info))
    }
}
