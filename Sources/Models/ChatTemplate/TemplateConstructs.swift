/// The filters, tests, methods and global functions a template names, found without rendering
/// it: a template that names one this engine lacks would fail only when a document reaches it,
/// so a library of task files can be checked ahead of any data (`runner lm-eval check`).
public struct TemplateConstructs: Sendable, Equatable {
    public var filters: Set<String> = []
    public var tests: Set<String> = []
    /// Names called as methods (`x.strip()`), whatever the value they are called on.
    public var methods: Set<String> = []
    /// Names called as functions (`range(3)`).
    public var functions: Set<String> = []

    /// Each construct this engine does not know, as `filter 'x'`, `test 'y'`, `method 'z()'`
    /// or `function 'f()'`, sorted; `globals` are the functions the caller provides.
    public func unsupported(globals: Set<String> = []) -> [String] {
        filters.subtracting(TemplateFilters.filterNames).map { "filter '\($0)'" }.sorted()
            + tests.subtracting(TemplateFilters.testNames).map { "test '\($0)'" }.sorted()
            + methods.subtracting(TemplateMethods.names).map { "method '\($0)()'" }.sorted()
            + functions.subtracting(globals).subtracting(TemplateDefaultGlobals.values.keys).map { "function '\($0)()'" }.sorted()
    }

    mutating func collect(_ nodes: [TemplateNode]) {
        for node in nodes {
            switch node {
            case .text: break
            case .output(let e): collect(e)
            case .block(let body): collect(body)
            case .forLoop(_, let iterable, let condition, let body, let otherwise):
                collect(iterable)
                if let condition { collect(condition) }
                collect(body)
                collect(otherwise)
            case .conditional(let branches, let otherwise):
                for (condition, body) in branches { collect(condition); collect(body) }
                collect(otherwise)
            case .assign(_, _, let value): collect(value)
            case .assignBlock(_, let body): collect(body)
            case .macro(let name, let parameters, let body):
                for case let (_, e?) in parameters { collect(e) }
                collect(body)
                functions.remove(name)
            }
        }
    }

    mutating func collect(_ expression: TemplateExpression) {
        switch expression {
        case .literal, .name: break
        case .attribute(let base, _): collect(base)
        case .item(let base, let index): collect(base); collect(index)
        case .slice(let base, let a, let b, let c):
            collect(base)
            for case let e? in [a, b, c] { collect(e) }
        case .call(let callee, let args, let kwargs):
            switch callee {
            case .attribute(let base, let name): methods.insert(name); collect(base)
            case .name(let name): functions.insert(name)
            default: collect(callee)
            }
            args.forEach { collect($0) }
            kwargs.forEach { collect($0.1) }
        case .filter(let base, let name, let args, let kwargs):
            filters.insert(name)
            collect(base)
            args.forEach { collect($0) }
            kwargs.forEach { collect($0.1) }
        case .test(let base, let name, let args, _):
            tests.insert(name)
            collect(base)
            args.forEach { collect($0) }
        case .binary(_, let l, let r): collect(l); collect(r)
        case .unary(_, let e): collect(e)
        case .conditional(let c, let v, let o):
            collect(c); collect(v)
            if let o { collect(o) }
        case .list(let items): items.forEach { collect($0) }
        case .dict(let pairs): pairs.forEach { collect($0.0); collect($0.1) }
        }
    }
}

extension JinjaTemplate {
    /// What the template names, for checking it without data.
    public var constructs: TemplateConstructs {
        var found = TemplateConstructs()
        found.collect(nodes)
        return found
    }
}
