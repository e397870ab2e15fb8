import Config
import Foundation
import Models

/// Template values and chat messages in the JSON forms lm-eval writes them.
extension TemplateValue {
    /// The value as JSON with its mappings' key order, as Python writes a dict.
    var orderedJSON: OrderedJSON {
        switch self {
        case .array(let items): return .array(items.map(\.orderedJSON))
        case .object(let pairs): return .object(pairs.map { ($0.0, $0.1.orderedJSON) })
        default: return .value(jsonValue)
        }
    }

    /// The value as JSON (mappings keep their keys; order is the writer's).
    var jsonValue: JSONValue {
        switch self {
        case .none, .undefined, .namespace, .callable: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(\.jsonValue))
        case .object(let pairs): return .object(Dictionary(pairs.map { ($0.0, $0.1.jsonValue) }, uniquingKeysWith: { $1 }))
        }
    }
}

extension ChatMessage {
    /// `{"role": ..., "content": ...}` as lm-eval's messages are.
    var templateValue: TemplateValue { .object([("role", .string(role.rawValue)), ("content", .string(textContent))]) }
}
