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
                case .leaf(let element): lines.append(pad + "  " + label(element))
                case .node(let sub): walk(sub, depth: depth + 1)
                }
            }
        }
        lines.append("<root>:")
        walk(tree, depth: 1)
        return lines.joined(separator: "\n")
    }
}
