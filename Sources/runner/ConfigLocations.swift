#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Config

/// Where the configs are, and where the relative paths they name (datasets, checkpoints) are read.
///
/// The search path is `--config-dir` first, then `--config-path`: by default `conf` in the
/// current folder, else the runner's own `conf` (beside the repository the binary was built in,
/// or `PREFIX/share/runner/conf` for a binary installed by `scripts/install.sh PREFIX`), so
/// `runner +model=smollm2 +task=mcq` works from any folder, as a Hydra app finds its own configs.
enum ConfigLocations {
    static func searchPath(_ options: RunnerOptions) throws(ConfigError) -> [String] {
        var searchPath: [String] = []
        if let dir = options.configDir {
            guard FileSystem.isDirectory(dir) else {
                throw ConfigError(.fileNotFound, "additional config directory '\(dir)' not found",
                                  hint: "--config-dir (-cd) must name an existing folder")
            }
            searchPath.append(dir)
        }
        if let primary = options.configPath {
            guard FileSystem.isDirectory(primary) else {
                throw ConfigError(.fileNotFound, "config directory '\(primary)' not found",
                                  hint: "--config-path (-cp) must name a folder holding config.yaml and config groups")
            }
            searchPath.append(primary)
        } else if FileSystem.isDirectory("conf") {
            searchPath.append("conf")
        } else if let own = RunnerHome.configFolder {
            searchPath.append(own)
        } else if searchPath.isEmpty {
            throw ConfigError(.fileNotFound, "no 'conf' directory in \(FileSystem.currentDirectory()), and none beside the runner",
                              hint: "run from the project's top folder, or choose a config tree with --config-path DIR")
        }
        return searchPath
    }

    static func parent(of folder: String) -> String {
        let trimmed = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }
}

/// The runner's own folder: the repository its binary was built in (`.build/<config>/runner`
/// below it), or the `share/runner` folder beside an installed binary's `bin/`.
enum RunnerHome {
    static let configFolder: String? = {
        guard let executable = executablePath() else { return nil }
        var folder = ConfigLocations.parent(of: executable)
        let installed = ConfigLocations.parent(of: folder) + "/share/runner/conf"
        if FileSystem.isFile(installed + "/config.yaml") { return installed }
        while folder != "/" && folder != "." {
            if FileSystem.isFile(folder + "/conf/config.yaml") && FileSystem.isFile(folder + "/Package.swift") { return folder + "/conf" }
            folder = ConfigLocations.parent(of: folder)
        }
        return nil
    }()

    static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A relative path in a config, as the README says: from the current folder (Hydra 1.2+ does
/// not change folder), then beside each config folder; a `models/...` path also under
/// `$RUNNER_MODELS`. A path found nowhere is returned as given, so the error names it.
struct ConfigPathResolver: Sendable {
    /// The folders read after the current folder: the parent of each config folder, in search
    /// order (`conf/../data/...`).
    var roots: [String]
    var modelsFolder: String? = getenv("RUNNER_MODELS").map { String(cString: $0) }

    /// For the config folders a run composed from (its repository's search path).
    init(searchPath: [String]) {
        roots = searchPath.map(ConfigLocations.parent)
    }

    func resolve(_ path: String) -> String {
        guard !path.isEmpty, !path.hasPrefix("/"), !FileSystem.exists(path) else { return path }
        for root in roots {
            let candidate = (root == "." ? "" : root + "/") + path
            if FileSystem.exists(candidate) { return candidate }
        }
        if let models = modelsFolder, path.hasPrefix("models/") {
            let candidate = models + "/" + path.dropFirst("models/".count)
            if FileSystem.exists(candidate) { return candidate }
        }
        return path
    }
}
