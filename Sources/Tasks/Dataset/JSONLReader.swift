import Foundation
import Models

/// Reads a JSON Lines file: one JSON object per line, blank lines ignored.
enum JSONLReader {
    /// The records with their 1-based line numbers.
    ///
    /// - Throws: ``TaskError`` naming `file:line` for a line that is not a JSON object.
    static func read(_ text: String, file: String) throws(TaskError) -> [(line: Int, record: [String: JSONValue])] {
        var records: [(Int, [String: JSONValue])] = []
        var lineNumber = 0
        // Split on the byte: "\r\n" is one Character in Swift, so a Character split misses it.
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine[...]
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 || $0 == 11 || $0 == 12 }) { continue }
            let value: JSONValue
            do {
                value = try JSONValue.parse(Data(line))
            } catch {
                throw TaskError("line is not valid JSON (\(reason(error)))", at: "\(file):\(lineNumber)",
                                hint: "each line of a JSONL file must be one complete JSON object")
            }
            guard case .object(let record) = value else {
                throw TaskError("line is a JSON \(kind(value)), not an object", at: "\(file):\(lineNumber)",
                                hint: "each line of a JSONL file must be one JSON object, like {\"question\": ..., \"answer\": ...}")
            }
            records.append((lineNumber, record))
        }
        return records
    }

    private static func reason(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error, let underlying = context.underlyingError {
            let info = (underlying as NSError).userInfo
            if let debug = info["NSDebugDescription"] as? String { return debug.lowercasedFirst }
        }
        return "unreadable"
    }

    private static func kind(_ value: JSONValue) -> String {
        switch value {
        case .array: return "array"
        case .string: return "string"
        case .null: return "null"
        case .bool: return "boolean"
        default: return "number"
        }
    }
}

extension String {
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
