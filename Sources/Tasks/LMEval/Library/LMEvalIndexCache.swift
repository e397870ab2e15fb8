import Config
import Foundation

/// The modification times an index was built from: every folder walked (a file added or removed
/// changes its folder's time) and every file read, templates included.
struct LMEvalIndexStamps: Sendable, Equatable {
    var folders: [String: Int64] = [:]
    var files: [String: Int64] = [:]

    /// True when nothing changed since (one `stat` per folder and file).
    var areCurrent: Bool {
        for (path, time) in folders where LMEvalFolderWalk.modified(path) ?? 0 != time { return false }
        for (path, time) in files where LMEvalFolderWalk.modified(path) != time { return false }
        return true
    }
}

/// The index of a set of folders kept on disk between runs, valid while every folder and file it
/// was built from keeps its modification time. One file per set of folders under
/// `$XDG_CACHE_HOME/runner` (else `~/.cache/runner`), written atomically; a file that cannot be
/// read back is ignored and rebuilt.
///
/// Format: tab-separated lines (`\`, tab and line breaks escaped): a header, the folders in
/// order, the stamps, then one line per name.
enum LMEvalIndexCache {
    static let header = "runner-lmeval-index\t1"

    /// The default cache folder.
    static var defaultFolder: String? {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/runner" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.cache/runner"
    }

    static func file(in folder: String, roots: [String]) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in roots.joined(separator: "\n").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100000001b3
        }
        return folder + "/lmeval-index-" + String(hash, radix: 16) + ".tsv"
    }

    /// The cached index when it is for exactly these folders and still current. Read as bytes:
    /// Character-level string splitting made a warm start slower than a cold build.
    static func load(_ path: String, roots: [String]) -> [String: LMEvalTaskIndex.Entry]? {
        guard let (bytes, _) = LMEvalFolderWalk.readWithTime(path) else { return nil }
        var cachedRoots: [String] = [], stamps = LMEvalIndexStamps(), entries: [String: LMEvalTaskIndex.Entry] = [:]
        var first = true
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let fields = line.split(separator: 0x09, omittingEmptySubsequences: false).map { unescape($0) }
            if first {
                guard fields == header.split(separator: "\t").map(String.init) else { return nil }
                first = false
                continue
            }
            switch (fields.first, fields.count) {
            case ("root", 2): cachedRoots.append(fields[1])
            case ("folder", 3): guard let time = Int64(fields[1]) else { return nil }; stamps.folders[fields[2]] = time
            case ("file", 3): guard let time = Int64(fields[1]) else { return nil }; stamps.files[fields[2]] = time
            case ("entry", 6):
                guard let kind = LMEvalTaskIndex.Kind(rawValue: fields[1]) else { return nil }
                var entry = LMEvalTaskIndex.Entry(name: fields[2], kind: kind, path: fields[3].isEmpty ? nil : fields[3])
                entry.outputType = fields[4].isEmpty ? nil : fields[4]
                entry.members = fields[5].isEmpty ? [] : fields[5].utf8.split(separator: 0x1F, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
                entries[entry.name] = entry
            default: return nil
            }
        }
        guard !first, cachedRoots == roots, stamps.areCurrent else { return nil }
        return entries
    }

    /// Writes the index (best effort: an index that cannot be cached is still returned). Built
    /// as bytes: String concatenation of 30,000 lines was a fifth of a cold build.
    static func save(_ entries: [String: LMEvalTaskIndex.Entry], stamps: LMEvalIndexStamps, roots: [String], to path: String) {
        var out: [UInt8] = []
        out.reserveCapacity(64 * (entries.count + stamps.files.count + stamps.folders.count) + 64)
        func line(_ fields: String...) {
            for (i, f) in fields.enumerated() {
                if i > 0 { out.append(0x09) }
                out.append(contentsOf: f.utf8)
            }
            out.append(0x0A)
        }
        line(header)
        for root in roots { line("root", escape(root)) }
        for (folder, time) in stamps.folders { line("folder", String(time), escape(folder)) }
        for (file, time) in stamps.files { line("file", String(time), escape(file)) }
        for entry in entries.values {
            var members = ""
            for (i, member) in entry.members.enumerated() {
                if i > 0 { members.unicodeScalars.append("\u{1F}") }
                members += member.utf8.contains(0x1F) ? member.replacingOccurrences(of: "\u{1F}", with: " ") : member
            }
            line("entry", entry.kind.rawValue, escape(entry.name), escape(entry.path ?? ""), escape(entry.outputType ?? ""), escape(members))
        }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = FileSystem.writeWhole(out, to: path)
    }

    static func escape(_ field: String) -> String {
        var plain = field
        let special = plain.withUTF8 { bytes -> Bool in
            for byte in bytes where byte == 0x5C || byte == 0x09 || byte == 0x0A || byte == 0x0D { return true }
            return false
        }
        guard special else { return field }
        var out = ""
        for character in field.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    static func unescape(_ field: ArraySlice<UInt8>) -> String {
        guard field.contains(0x5C) else { return String(decoding: field, as: UTF8.self) }
        var out: [UInt8] = [], escaped = false
        for byte in field {
            if escaped {
                switch byte {
                case 0x74: out.append(0x09)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                default: out.append(byte)
                }
                escaped = false
            } else if byte == 0x5C {
                escaped = true
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
