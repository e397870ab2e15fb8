#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Config
import Diagnostics

/// Output directories and the `.hydra` record inside each.
enum RunDirectory {
    /// Creates `path` (and its parents); when it exists already, creates `path_1`, `path_2`, ...
    /// so that two runs started in the same second never share a directory.
    static func createUnique(_ path: String) throws(UserError) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        try createParents(of: trimmed)
        var candidate = trimmed
        var suffix = 0
        while mkdir(candidate, 0o755) != 0 {
            guard errno == EEXIST else {
                throw UserError(.io, "cannot create output directory '\(candidate)': \(String(cString: strerror(errno)))",
                                  hint: "check hydra.run.dir / hydra.sweep.dir and the folder's permissions")
            }
            suffix += 1
            candidate = "\(trimmed)_\(suffix)"
        }
        return candidate
    }

    /// Creates `path` (and its parents), or uses it as it is when it exists: Hydra writes an
    /// explicit `hydra.run.dir` into the same folder every time.
    static func createOrReuse(_ path: String) throws(UserError) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        try createParents(of: trimmed)
        if mkdir(trimmed, 0o755) != 0 {
            guard errno == EEXIST, FileSystem.isDirectory(trimmed) else {
                throw UserError(.io, "cannot create output directory '\(trimmed)': \(String(cString: strerror(errno)))",
                                  hint: "check hydra.run.dir / hydra.sweep.dir and the folder's permissions")
            }
        }
        return trimmed
    }

    static func createParents(of path: String) throws(UserError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        let parts = path.split(separator: "/").dropLast()
        for part in parts {
            prefix += part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw UserError(.io, "cannot create directory '\(prefix)': \(String(cString: strerror(errno)))",
                                  hint: "check the output path and permissions")
            }
            prefix += "/"
        }
    }

    /// Writes `.hydra/config.yaml` (composed, unresolved, secrets masked), `.hydra/overrides.yaml`
    /// and `.hydra/hydra.yaml` (run metadata: command line, start time, version, git revision).
    static func writeRecord(_ job: PreparedJob, composition: Composition, hydra: ConfigNode, commandLine: [String],
                            startTime: time_t, version: String) throws(UserError) {
        let dir = job.directory + "/.hydra"
        if mkdir(dir, 0o755) != 0 && errno != EEXIST {
            throw UserError(.io, "cannot create '\(dir)'", hint: "check the folder's permissions")
        }
        let emitter = YAMLEmitter()
        try write(emitter.emit(Redactor.redact(composition.config)), to: dir + "/config.yaml")
        let overrides = ConfigNode(.sequence(job.taskOverrides.map { ConfigNode(.string($0)) }))
        try write(emitter.emit(overrides), to: dir + "/overrides.yaml")

        var metadata = hydra
        func set(_ key: String, _ value: ConfigValue) { metadata.setNode(ConfigNode(value), at: KeyPath(parsing: key)) }
        let cwd = FileSystem.currentDirectory()
        set("runtime.version", .string(version))
        set("runtime.cwd", .string(cwd))
        set("runtime.output_dir", .string(job.directory.hasPrefix("/") ? job.directory : cwd + "/" + job.directory))
        set("runtime.command_line", .string(commandLine.map { Redactor.redact(override: $0) }.map(shellQuote).joined(separator: " ")))
        set("runtime.start_time", .string(Resolver.strftime("%Y-%m-%dT%H:%M:%S%z", time: startTime)))
        set("runtime.git_revision", GitRevision.current(from: cwd).map { .string($0) } ?? .null)
        var choices = ConfigMapping()
        for (key, option) in composition.defaults.choices {
            choices[key] = ConfigNode(option.map { .string($0) } ?? .null)
        }
        set("runtime.choices", .mapping(choices))
        set("runtime.config_sources", .sequence(composition.defaults.defaults.map { ConfigNode(.string($0.configPath)) }))
        let record = ConfigNode(.mapping(ConfigMapping([("hydra", Redactor.redact(metadata))])))
        try write(emitter.emit(record), to: dir + "/hydra.yaml")
    }

    /// Writes a file whole: to a temporary name first, then renamed, so a crash never leaves half a file.
    static func write(_ text: String, to path: String) throws(UserError) {
        if let reason = FileSystem.writeWhole(Array(text.utf8), to: path) {
            throw UserError(.io, "cannot write '\(path)': \(reason)", hint: "check the folder's permissions and that the disk has space")
        }
    }

    static func shellQuote(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || "-_=+./:@,%".unicodeScalars.contains($0) }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacingAll("'", with: "'\\''") + "'"
    }
}

/// The git commit of the working directory, read from `.git` without running git.
enum GitRevision {
    static func current(from directory: String) -> String? {
        var dir = directory
        while true {
            let gitDir = dir + "/.git"
            if let head = read(gitDir + "/HEAD") {
                if head.hasPrefix("ref: ") {
                    let ref = String(head.dropFirst(5))
                    if let sha = read(gitDir + "/" + ref) { return sha }
                    if let packed = FileSystem.readText(gitDir + "/packed-refs") {
                        for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                            return String(line.prefix { $0 != " " })
                        }
                    }
                    return nil
                }
                return head
            }
            guard dir != "/", let slash = dir.lastIndex(of: "/") else { return nil }
            dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
        }
    }

    private static func read(_ path: String) -> String? {
        guard let text = FileSystem.readText(path), let line = text.split(separator: "\n").first else { return nil }
        return String(line)
    }
}
