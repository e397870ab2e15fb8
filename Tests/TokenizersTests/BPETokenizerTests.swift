import Foundation
import Testing
@testable import Tokenizers

/// Recorded encodings from Hugging Face `tokenizers` (see Fixtures/README.md).
struct TokenizerCase: Decodable, Sendable, CustomTestStringConvertible {
    enum CodingKeys: String, CodingKey {
        case text, ids, decoded
        case decodedWithSpecial = "decoded_with_special"
    }

    var text: String
    var ids: [Int]
    /// Hugging Face's default decode, which drops special tokens.
    var decoded: String?
    var decodedWithSpecial: String?
    var testDescription: String { String(text.prefix(40).debugDescription) }
}

enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func tokenizer(_ name: String) throws -> BPETokenizer {
        try BPETokenizer(contentsOf: folder.appendingPathComponent("\(name).json"))
    }

    static func cases(_ name: String) throws -> [TokenizerCase] {
        try JSONDecoder().decode([TokenizerCase].self, from: Data(contentsOf: folder.appendingPathComponent("\(name).cases.json")))
    }

    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".cases.json") }.map { String($0.dropLast(".cases.json".count)) }.sorted()
    }()
}

@Suite("Byte-level BPE gives Hugging Face's ids")
struct BPETokenizerTests {
    @Test("every recorded string encodes to the recorded ids and decodes back", arguments: Fixtures.names)
    func recorded(name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        let cases = try Fixtures.cases(name)
        #expect(cases.count >= 300)
        var failures = 0
        for c in cases {
            let ids = tokenizer.encode(c.text)
            if ids != c.ids {
                failures += 1
                if failures <= 5 { Issue.record("\(name): \(c.text.debugDescription): got \(ids), expected \(c.ids)") }
            }
            if let decoded = c.decoded {
                #expect(tokenizer.decode(c.ids, skipSpecial: true) == decoded, "\(name): decode of \(c.text.debugDescription)")
            }
            if let decoded = c.decodedWithSpecial {
                #expect(tokenizer.decode(c.ids) == decoded, "\(name): decode with special tokens of \(c.text.debugDescription)")
            }
        }
        #expect(failures == 0, "\(failures) of \(cases.count) strings differ for \(name)")
    }

    @Test("fixtures exist for the GPT-2, Llama 3 and special-token styles")
    func fixturesPresent() {
        #expect(Fixtures.names.count >= 3, "\(Fixtures.names)")
    }

    @Test("a missing or broken file is a clear error naming it")
    func errors() throws {
        #expect(throws: TokenizerError.self) { try BPETokenizer(contentsOf: URL(fileURLWithPath: "/nonexistent/tokenizer.json")) }
        do {
            _ = try BPETokenizer(json: Data("{\"model\": {\"type\": \"WordPiece\"}}".utf8), source: "x.json")
            Issue.record("accepted")
        } catch let error as TokenizerError {
            #expect(error.message.contains("x.json") && error.message.contains("BPE"))
        }
    }

    @Test("the byte-level map is GPT-2's: a space is Ġ and every byte round-trips")
    func byteLevel() {
        #expect(ByteLevel.encode(" a") == "Ġa")
        #expect(ByteLevel.encode("\n") == "Ċ")
        let all = String(decoding: Array(0...255).map(UInt8.init), as: UTF8.self)
        #expect(ByteLevel.decode(ByteLevel.encode(all)) == all)
    }
}
