import Foundation
import Models
import Testing

@Suite("Canonical JSON")
struct JSONValueTests {
    @Test("keys sorted, no spaces, strings escaped, same value same key")
    func canonical() throws {
        let value: JSONValue = ["b": [1, 2.5, "x\"y\n"], "a": nil, "c": ["z": true, "y": false]]
        #expect(value.canonicalString == #"{"a":null,"b":[1,2.5,"x\"y\n"],"c":{"y":false,"z":true}}"#)
        #expect(try JSONValue.parse(value.canonicalData) == ["a": nil, "b": [1, 2.5, "x\"y\n"], "c": ["y": false, "z": true]])
        // Control characters as \u escapes, \b and \f included: cache keys hash this text.
        #expect(JSONValue.string("\u{08}\u{0C}\u{01}\t").canonicalString == #""\u0008\u000c\u0001\t""#)
    }
}
