/// The parsed template: statements and expressions.
indirect enum TemplateNode: Sendable {
    case text(String)
    case output(TemplateExpression)
    case forLoop(targets: [String], iterable: TemplateExpression, condition: TemplateExpression?, body: [TemplateNode], otherwise: [TemplateNode])
    case conditional(branches: [(TemplateExpression, [TemplateNode])], otherwise: [TemplateNode])
    case assign(target: [String], attribute: String?, value: TemplateExpression)
    case assignBlock(name: String, body: [TemplateNode])
    case macro(name: String, parameters: [(String, TemplateExpression?)], body: [TemplateNode])
    /// `{% generation %}` and other markers that only wrap their body.
    case block([TemplateNode])
}

indirect enum TemplateExpression: Sendable {
    case literal(TemplateValue)
    case name(String)
    case attribute(TemplateExpression, String)
    case item(TemplateExpression, TemplateExpression)
    case slice(TemplateExpression, TemplateExpression?, TemplateExpression?, TemplateExpression?)
    case call(TemplateExpression, [TemplateExpression], [(String, TemplateExpression)])
    case filter(TemplateExpression, String, [TemplateExpression], [(String, TemplateExpression)])
    case test(TemplateExpression, String, [TemplateExpression], negated: Bool)
    case binary(String, TemplateExpression, TemplateExpression)
    case unary(String, TemplateExpression)
    case conditional(TemplateExpression, TemplateExpression, TemplateExpression?)
    case list([TemplateExpression])
    case dict([(TemplateExpression, TemplateExpression)])
}
