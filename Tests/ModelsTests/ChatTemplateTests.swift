import Foundation
import Testing
@testable import Models

/// The chat-template renderer against jinja2's own renders of real templates.
@Suite("chat templates")
struct ChatTemplateTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            var messages: [[String: String]]
            var add_generation_prompt: Bool
            var expected: String?
            var error: String?
            var extra: JSONValue?
        }
        var name: String
        var template: String
        var bos_token: String
        var eos_token: String
        var cases: [Case]
    }

    static let fixtures: [Fixture] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/chat_templates/chat_templates.json")
        struct File: Decodable { var templates: [Fixture] }
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)))?.templates ?? []
    }()

    static func value(_ json: JSONValue) -> TemplateValue {
        switch json {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(value))
        case .object(let o): return .object(o.sorted { $0.key < $1.key }.map { ($0.key, value($0.value)) })
        }
    }

    @Test("every recorded render matches jinja2 byte for byte", arguments: fixtures.map(\.name))
    func renders(name: String) throws {
        let fixture = try #require(Self.fixtures.first { $0.name == name })
        let template = try ChatTemplate(fixture.template)
        for (index, c) in fixture.cases.enumerated() {
            let messages = c.messages.map { $0.mapValues { TemplateValue.string($0) } }
            var extra: [String: TemplateValue] = [:]
            if case .object(let o)? = c.extra { for (k, v) in o { extra[k] = Self.value(v) } }
            do {
                let text = try template.render(messages: messages, addGenerationPrompt: c.add_generation_prompt,
                                               bosToken: fixture.bos_token, eosToken: fixture.eos_token, extra: extra)
                #expect(c.error == nil, "case \(index): jinja2 raised '\(c.error ?? "")', we rendered")
                #expect(text == c.expected, "case \(index) of \(name)")
            } catch {
                #expect(error.description == c.error, "case \(index) of \(name): \(error)")
            }
        }
    }

    @Test("the fixture file holds the SmolLM2 template and three others")
    func fixtureCoverage() {
        #expect(Self.fixtures.count >= 4)
        #expect(Self.fixtures.contains { $0.name.hasPrefix("SmolLM2") })
    }

    @Test("whitespace control: trim_blocks, lstrip_blocks and - markers")
    func whitespace() throws {
        let t = try ChatTemplate("{% for m in messages %}\n  {% if loop.first %}\n[{{ m.content }}]\n  {%- endif %}\n{% endfor %}x  {{- ' y' -}}  z")
        #expect(try t.render(messages: [["content": "a"], ["content": "b"]], addGenerationPrompt: false, bosToken: "", eosToken: "") == "[a]x yz")
    }

    @Test("namespace, slices, filters, tests and methods")
    func expressions() throws {
        let source = """
        {%- set ns = namespace(count=0) -%}
        {%- for m in messages[::-1] if m.role != 'system' -%}{%- set ns.count = ns.count + 1 -%}{{ m.content|upper }},{%- endfor -%}
        {{ ns.count }}|{{ messages|length }}|{{ (messages|selectattr('role', 'equalto', 'user')|map(attribute='content')|join('+')) }}
        |{{ ' x '.strip() }}|{{ none is none }}|{{ undefined_thing is defined }}|{{ 7 // 2 }}|{{ 7 / 2 }}|{{ [1, 'a'] }}|{{ {'k': [1, 2]}|tojson }}
        """
        let t = try ChatTemplate(source)
        let out = try t.render(messages: [["role": "system", "content": "s"], ["role": "user", "content": "a"], ["role": "user", "content": "b"]],
                               addGenerationPrompt: false, bosToken: "", eosToken: "")
        #expect(out == "B,A,2|3|a+b\n|x|True|False|3|3.5|[1, 'a']|{\"k\": [1, 2]}")
    }

    @Test("syntax errors name the line and column; raise_exception passes its message")
    func errors() throws {
        #expect(throws: ChatTemplateError.self) { try ChatTemplate("line one\n{% if x %}never closed") }
        do {
            _ = try ChatTemplate("a\n  {{ 1 + }}")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.line == 2 && error.column == 3)
        }
        let t = try ChatTemplate("{{ raise_exception('roles must alternate') }}")
        #expect(throws: ChatTemplateError("roles must alternate", raised: true)) {
            try t.render(messages: [], addGenerationPrompt: false, bosToken: "", eosToken: "")
        }
    }
}
