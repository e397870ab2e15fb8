import Config

/// The command line: Hydra's flags, then overrides.
///
/// Flags follow Hydra 1.3 (`--cfg`, `--resolve`, `--package`, `--multirun`, `--config-path`,
/// `--config-name`, `--config-dir`, `--info`, `--help`), plus `--verbose` and `--quiet`.
struct RunnerOptions {
    enum ConfigPart: String, CaseIterable { case job, hydra, all }
    enum InfoTopic: String, CaseIterable {
        case all, config, defaults
        case defaultsTree = "defaults-tree"
        case searchpath
    }

    var help = false
    var hydraHelp = false
    var version = false
    var cfg: ConfigPart?
    var resolve = false
    var package: String?
    var multirun = false
    var configPath: String?
    var configName: String?
    var configDir: String?
    var info: InfoTopic?
    var verbose = false
    var quiet = false
    /// `--run-job DIR`: run the job recorded in a job folder (a cluster launcher's array task).
    var runJob: String?
    /// `--collect SWEEP_DIR`: wait for a submitted sweep and gather its results.
    var collect: String?
    var overrides: [String] = []

    static let flagNames = [
        "--help", "-h", "--hydra-help", "--version", "--cfg", "-c", "--resolve", "--package", "-p",
        "--multirun", "-m", "--run", "-r", "--config-path", "-cp", "--config-name", "-cn",
        "--config-dir", "-cd", "--info", "-i", "--verbose", "--quiet", "--shell-completion", "-sc",
        "--run-job", "--collect",
    ]

    /// Parses argv (without the program name).
    ///
    /// - Throws: ``ConfigError`` with code `.usage` for unknown flags and missing flag values.
    static func parse(_ arguments: [String]) throws(ConfigError) -> RunnerOptions {
        var options = RunnerOptions()
        var index = 0
        var flagsDone = false
        func value(for flag: String, inline: String?) throws(ConfigError) -> String {
            if let inline { return inline }
            index += 1
            guard index < arguments.count else {
                throw ConfigError(.usage, "option '\(flag)' needs a value", hint: "write '\(flag) VALUE'")
            }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            defer { index += 1 }
            if flagsDone || !argument.hasPrefix("-") || argument == "-" {
                options.overrides.append(argument)
                continue
            }
            if argument == "--" {
                flagsDone = true
                continue
            }
            var flag = argument
            var inline: String?
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                flag = String(argument[..<eq])
                inline = String(argument[argument.index(after: eq)...])
            }
            switch flag {
            case "-h", "--help": options.help = true
            case "--hydra-help": options.hydraHelp = true
            case "--version": options.version = true
            case "-c", "--cfg":
                let raw = try value(for: flag, inline: inline)
                guard let part = ConfigPart(rawValue: raw) else {
                    throw ConfigError(.usage, "--cfg takes job, hydra or all, not '\(raw)'", hint: "for example: runner --cfg job +model=openai_chat")
                }
                options.cfg = part
            case "--resolve": options.resolve = true
            case "-p", "--package": options.package = try value(for: flag, inline: inline)
            case "-m", "--multirun": options.multirun = true
            case "-r", "--run": options.multirun = false
            case "-cp", "--config-path": options.configPath = try value(for: flag, inline: inline)
            case "-cn", "--config-name": options.configName = try value(for: flag, inline: inline)
            case "-cd", "--config-dir": options.configDir = try value(for: flag, inline: inline)
            case "-i", "--info":
                if let inline {
                    guard let topic = InfoTopic(rawValue: inline) else { throw badInfo(inline) }
                    options.info = topic
                } else if index + 1 < arguments.count, let topic = InfoTopic(rawValue: arguments[index + 1]) {
                    options.info = topic
                    index += 1
                } else if index + 1 < arguments.count, Self.looksLikeTopic(arguments[index + 1]) {
                    // A bare word is no override (it has no '='): a misspelled topic, as argparse says.
                    throw badInfo(arguments[index + 1])
                } else {
                    options.info = .all
                }
            case "--run-job": options.runJob = try value(for: flag, inline: inline)
            case "--collect": options.collect = try value(for: flag, inline: inline)
            case "--verbose": options.verbose = true
            case "--quiet": options.quiet = true
            case "-sc", "--shell-completion":
                throw ConfigError(.usage, "shell completion is not supported", hint: "see 'runner --help' for the groups and options")
            default:
                var hint = "see 'runner --help' for the options"
                hint = DidYouMean.hint(flag, among: flagNames, then: hint)
                throw ConfigError(.usage, "unknown option '\(flag)'", hint: hint)
            }
        }
        return options
    }

    private static func looksLikeTopic(_ word: String) -> Bool {
        !word.hasPrefix("-") && !word.contains("=") && !word.hasPrefix("~") && !word.hasPrefix("+")
    }

    private static func badInfo(_ raw: String) -> ConfigError {
        let topics = InfoTopic.allCases.map(\.rawValue)
        var hint = "for example: runner --info defaults +model=openai_chat"
        hint = DidYouMean.hint(raw, among: topics, then: hint)
        return ConfigError(.usage, "--info takes one of \(topics.joined(separator: ", ")), not '\(raw)'", hint: hint)
    }
}
