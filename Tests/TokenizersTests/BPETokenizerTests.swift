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

@Suite("tiktoken rank files")
struct TiktokenTests {
    /// The GPT-2-style fixture rewritten as a tiktoken rank file: single bytes first, then each
    /// merge's result in merge order (how tiktoken's files relate to BPE merges).
    func rankFile(from tokenizerJSON: URL) throws -> URL {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: tokenizerJSON)) as! [String: Any]
        let model = root["model"] as! [String: Any]
        var lines: [String] = []
        var seen = Set<[UInt8]>()
        func add(_ bytes: [UInt8]) {
            guard seen.insert(bytes).inserted else { return }
            lines.append("\(Data(bytes).base64EncodedString()) \(lines.count)")
        }
        for byte in 0..<256 { add([UInt8(byte)]) }
        for merge in model["merges"] as! [Any] {
            let pair = (merge as? [String]) ?? (merge as! String).split(separator: " ").map(String.init)
            add(byteLevelBytes(pair[0] + pair[1]))
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ranks-\(UUID().uuidString).tiktoken")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func byteLevelBytes(_ token: String) -> [UInt8] { token.unicodeScalars.map { ByteLevel.scalarToByte[$0]! } }

    @Test("merging by rank gives the same token bytes as BPE merges")
    func sameAsBPE() throws {
        let json = Fixtures.folder.appendingPathComponent("gpt2_style.json")
        let ranks = try rankFile(from: json)
        defer { try? FileManager.default.removeItem(at: ranks) }
        let tiktoken = try TiktokenTokenizer(contentsOf: ranks, pattern: TiktokenTokenizer.patterns["r50k_base"])
        let bpe = try BPETokenizer(contentsOf: json)
        var compared = 0
        for c in try Fixtures.cases("gpt2_style") {
            let expected = c.ids.map { bpe.decodeBytes($0) }
            let got = tiktoken.encode(c.text).map { tiktoken.tokenBytes($0) }
            #expect(got == expected, "\(c.text.debugDescription)")
            #expect(tiktoken.decode(tiktoken.encode(c.text)) == c.text)
            compared += 1
        }
        #expect(compared >= 300)
    }

    @Test("a malformed rank file names its line")
    func malformed() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).tiktoken")
        try "IQ== 0\nnot-a-line\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try TiktokenTokenizer(contentsOf: url) } throws: { ($0 as? TokenizerError)?.message.contains(":2:") == true }
    }
}
