extension DefaultsList {
    /// The defaults tree as `--info defaults-tree` prints it: each config that has a defaults
    /// list, with the entries it brought in, `_self_` marking where its own content goes.
    public func treeDescription() -> String {
        var lines: [String] = []
        func label(_ element: DefaultElement) -> String {
            if element.isSelf { return "_self_" }
            if case .config(let path) = element.kind, path == "_empty_primary_" { return "<empty primary config>" }
            var text: String
            if element.isGroup {
                text = "\(element.overrideKey): \(element.name ?? "null")"
            } else {
                text = element.configPath
            }
            if element.deleted { text += " (deleted)" }
            return text
        }
        func nodeLabel(_ element: DefaultElement) -> String {
            element.isGroup ? element.configPath : label(element)
        }
        func walk(_ node: DefaultsTreeNode, depth: Int) {
            let pad = String(repeating: "  ", count: depth)
            guard let children = node.children, !children.isEmpty else {
                lines.append(pad + label(node.element))
                return
            }
            lines.append(pad + nodeLabel(node.element) + ":")
            for child in children {
                switch child {
                case .leaf(let element) where !element.isHydraDefault: lines.append(pad + "  " + label(element))
                case .leaf: continue
                case .node(let sub): walk(sub, depth: depth + 1)
                }
            }
        }
        lines.append("<root>:")
        // Hydra's own defaults under `hydra/config`, as Hydra prints them, then the primary's tree.
        let hydraDefaults = (tree.children ?? []).compactMap { child -> DefaultElement? in
            if case .leaf(let element) = child, element.isHydraDefault { return element }
            return nil
        }
        if !hydraDefaults.isEmpty {
            lines.append("  hydra/config:")
            lines.append(contentsOf: hydraDefaults.map { "    " + label($0) })
        }
        walk(tree, depth: 1)
        return lines.joined(separator: "\n")
    }
}
