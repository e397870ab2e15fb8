import Config

/// `--info`: the defaults list, the defaults tree, the search path and the config.
enum Info {
    static func text(_ topic: RunnerOptions.InfoTopic, composition: Composition, repository: ConfigRepository, configName: String?) -> String {
        switch topic {
        case .defaults: return defaultsList(composition)
        case .defaultsTree: return defaultsTree(composition)
        case .searchpath: return searchPath(repository)
        case .config: return "Config\n******\n" + YAMLEmitter().emit(Redactor.redact(composition.config))
        case .all:
            return [searchPath(repository), defaultsTree(composition), defaultsList(composition),
                    "Config\n******\n" + YAMLEmitter().emit(Redactor.redact(composition.config))].joined(separator: "\n")
        }
    }

    static func searchPath(_ repository: ConfigRepository) -> String {
        var lines = ["Config search path", "******************"]
        for dir in repository.searchPath { lines.append("  file://\(dir)") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func defaultsList(_ composition: Composition) -> String {
        let header = ["Config path", "Package", "_self_", "Parent"]
        let rows = composition.defaults.defaults.map { d in
            [d.configPath, d.package, d.isSelf ? "True" : "False", d.parent ?? "<root>"]
        }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { $0.element + String(repeating: " ", count: widths[$0.offset] - $0.element.count) }.joined(separator: " | ") + " |"
        }
        let rule = String(repeating: "-", count: line(header).count)
        var out = ["Defaults List", "*************", line(header), rule]
        out += rows.map(line)
        out.append(rule)
        return out.joined(separator: "\n") + "\n"
    }

    static func defaultsTree(_ composition: Composition) -> String {
        "Defaults Tree\n*************\n" + composition.defaults.treeDescription() + "\n"
    }
}
