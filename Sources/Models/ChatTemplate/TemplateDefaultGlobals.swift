/// jinja2's default globals that task templates call: `range(...)` and `dict(...)`
/// (lm-eval renders with a plain `jinja2.Environment`, which has them; Hugging Face's chat
/// environment has them too). The caller's variables take precedence.
enum TemplateDefaultGlobals {
    static let values: [String: TemplateValue] = [
        "range": .callable(CallableBox { (args, _) throws(ChatTemplateError) -> TemplateValue in
            let bounds = args.map { $0.number.map { Int($0) } }
            guard !bounds.isEmpty, bounds.count <= 3, !bounds.contains(where: { $0 == nil }) else {
                throw ChatTemplateError("range() takes one to three integers")
            }
            let (start, stop, step) = bounds.count == 1 ? (0, bounds[0]!, 1) : (bounds[0]!, bounds[1]!, bounds.count == 3 ? bounds[2]! : 1)
            guard step != 0 else { throw ChatTemplateError("range() arg 3 must not be zero") }
            guard (step > 0 && start < stop) || (step < 0 && start > stop) else { return .array([]) }
            return .array(Swift.stride(from: start, to: stop, by: step).map { .int($0) })
        }),
        "dict": .callable(CallableBox { (_, kwargs) throws(ChatTemplateError) -> TemplateValue in .object(kwargs) }),
    ]
}
