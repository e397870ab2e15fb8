import Diagnostics
import Foundation

/// A byte-level BPE tokenizer read from a Hugging Face `tokenizer.json`: vocabulary, merges,
/// pre-tokenizer, added and special tokens. It gives the same ids as the `tokenizers` library
/// (checked against recorded encodings in the tests).
///
/// ```swift
/// let tokenizer = try BPETokenizer(contentsOf: URL(fileURLWithPath: "tokenizer.json"))
/// let ids = tokenizer.encode("Hello world")
/// ```
public final class BPETokenizer: @unchecked Sendable {
    public struct AddedToken: Sendable, Equatable {
        public var id: Int
        public var content: String
        public var special: Bool
        public var lstrip: Bool
        public var rstrip: Bool
    }

    public let vocabulary: [String: Int]
    public let addedTokens: [AddedToken]
    private let idToToken: [Int: String]
    private let mergeRanks: [Pair: Int]
    /// Llama 3 style: a piece that is itself in the vocabulary is one token, whatever the merges say.
    private let ignoreMerges: Bool
    private let preTokenizer: PreTokenizer
    /// Unicode normal forms applied to text between added tokens, in order (Qwen2's NFC).
    private let normalizers: [Normalization]
    private let cacheLock = NSLock()
    private var cache: [String: [Int]] = [:]

    struct Pair: Hashable {
        let left: String
        let right: String
    }

    /// Reads `tokenizer.json`.
    ///
    /// - Throws: ``TokenizerError`` naming the file and the part that is missing or unsupported.
    public convenience init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError("cannot read \(url.path)", hint: "check the path")
        }
        try self.init(json: data, source: url.path)
    }

    public init(json data: Data, source: String = "tokenizer.json") throws {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TokenizerError("\(source) is not a JSON object", hint: "is the file complete?")
        }
        guard let model = root["model"] as? [String: Any], (model["type"] as? String ?? "BPE") == "BPE",
              let vocab = model["vocab"] as? [String: Int] else {
            throw TokenizerError("\(source): only BPE models with a vocab are supported", hint: "model.type must be BPE")
        }
        vocabulary = vocab
        var ranks: [Pair: Int] = [:]
        for (rank, merge) in (model["merges"] as? [Any] ?? []).enumerated() {
            if let text = merge as? String {
                let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2 { ranks[Pair(left: String(parts[0]), right: String(parts[1]))] = rank }
            } else if let pair = merge as? [String], pair.count == 2 {
                ranks[Pair(left: pair[0], right: pair[1])] = rank
            }
        }
        mergeRanks = ranks
        ignoreMerges = model["ignore_merges"] as? Bool ?? false
        var added: [AddedToken] = []
        for entry in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let id = entry["id"] as? Int, let content = entry["content"] as? String else { continue }
            added.append(AddedToken(id: id, content: content, special: entry["special"] as? Bool ?? false,
                                    lstrip: entry["lstrip"] as? Bool ?? false, rstrip: entry["rstrip"] as? Bool ?? false))
        }
        addedTokens = added
        var reverse: [Int: String] = [:]
        for (token, id) in vocab { reverse[id] = token }
        for token in added { reverse[token.id] = token.content }
        idToToken = reverse
        preTokenizer = try Self.makePreTokenizer(root["pre_tokenizer"] as? [String: Any], source: source)
        normalizers = try Self.makeNormalizers(root["normalizer"] as? [String: Any], source: source)
    }

    enum Normalization: Sendable { case nfc, nfd, nfkc, nfkd }

    /// The normalizer as a list of normal forms. Any other normalizer is an error: ignoring it
    /// would give other ids than the model was trained on.
    static func makeNormalizers(_ config: [String: Any]?, source: String) throws -> [Normalization] {
        guard let config else { return [] }
        switch config["type"] as? String {
        case "NFC": return [.nfc]
        case "NFD": return [.nfd]
        case "NFKC": return [.nfkc]
        case "NFKD": return [.nfkd]
        case "Sequence":
            var forms: [Normalization] = []
            for inner in config["normalizers"] as? [[String: Any]] ?? [] { forms += try makeNormalizers(inner, source: source) }
            return forms
        case let other:
            throw TokenizerError("\(source): normalizer '\(other ?? "?")' is not supported",
                                 hint: "supported: NFC, NFD, NFKC, NFKD and sequences of them")
        }
    }

    private func normalized(_ text: String) -> String {
        normalizers.reduce(text) { text, form in
            switch form {
            case .nfc: return text.precomposedStringWithCanonicalMapping
            case .nfd: return text.decomposedStringWithCanonicalMapping
            case .nfkc: return text.precomposedStringWithCompatibilityMapping
            case .nfkd: return text.decomposedStringWithCompatibilityMapping
            }
        }
    }

    static func makePreTokenizer(_ config: [String: Any]?, source: String) throws -> PreTokenizer {
        func step(_ c: [String: Any]) throws -> [PreTokenizer.Step] {
            switch c["type"] as? String {
            case "ByteLevel":
                let useRegex = c["use_regex"] as? Bool ?? true
                return [.byteLevel(addPrefixSpace: c["add_prefix_space"] as? Bool ?? false,
                                   regex: useRegex ? try PreTokenizer.regex(PreTokenizer.gpt2Pattern) : nil)]
            case "Split":
                let pattern = (c["pattern"] as? [String: Any])?["Regex"] as? String
                    ?? (c["pattern"] as? [String: Any])?["String"].flatMap { $0 as? String }.map(escapeRegex)
                guard let pattern else { throw TokenizerError("\(source): a Split pre-tokenizer without a pattern", hint: nil) }
                guard (c["behavior"] as? String ?? "Isolated") == "Isolated", !(c["invert"] as? Bool ?? false) else {
                    throw TokenizerError("\(source): only Split with behavior Isolated is supported", hint: nil)
                }
                return [.split(try PreTokenizer.regex(pattern))]
            case "Sequence":
                var steps: [PreTokenizer.Step] = []
                for inner in c["pretokenizers"] as? [[String: Any]] ?? [] { steps += try step(inner) }
                return steps
            case nil:
                return []
            case let other?:
                throw TokenizerError("\(source): pre-tokenizer '\(other)' is not supported",
                                     hint: "supported: ByteLevel, Split (isolated), Sequence")
            }
        }
        guard let config else { return PreTokenizer(steps: []) }
        return PreTokenizer(steps: try step(config))
    }

    static func escapeRegex(_ text: String) -> String {
        var out = ""
        for ch in text {
            if "\\^$.|?*+()[]{}".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    // MARK: Encoding

    /// Token ids for `text`, with added tokens matched first (as `add_special_tokens=False`).
    public func encode(_ text: String) -> [Int] {
        var ids: [Int] = []
        for segment in splitOnAddedTokens(text) {
            switch segment {
            case .added(let id): ids.append(id)
            case .text(let part):
                for piece in preTokenizer.pieces(normalizers.isEmpty ? part : normalized(part)) { ids.append(contentsOf: bpe(piece)) }
            }
        }
        return ids
    }

    /// The number of tokens of `text`.
    public func count(_ text: String) -> Int { encode(text).count }

    /// Text from ids; special tokens are kept unless `skipSpecial`.
    public func decode(_ ids: [Int], skipSpecial: Bool = false) -> String {
        var out = ""
        var pending = ""
        let special = Set(addedTokens.filter(\.special).map(\.id))
        let addedIDs = Set(addedTokens.map(\.id))
        for id in ids {
            guard let token = idToToken[id] else { continue }
            if addedIDs.contains(id) {
                out += ByteLevel.decode(pending)
                pending = ""
                if !(skipSpecial && special.contains(id)) { out += token }
            } else {
                pending += token
            }
        }
        return out + ByteLevel.decode(pending)
    }

    /// The raw bytes of one token (added tokens as their UTF-8 text).
    func decodeBytes(_ id: Int) -> [UInt8] {
        guard let token = idToToken[id] else { return [] }
        if addedTokens.contains(where: { $0.id == id }) { return Array(token.utf8) }
        return token.unicodeScalars.compactMap { ByteLevel.scalarToByte[$0] }
    }

    enum Segment { case text(String), added(Int) }

    /// Splits around added tokens, longest first, honouring lstrip/rstrip.
    func splitOnAddedTokens(_ text: String) -> [Segment] {
        guard !addedTokens.isEmpty else { return [.text(text)] }
        let tokens = addedTokens.sorted { $0.content.unicodeScalars.count > $1.content.unicodeScalars.count }
        var segments: [Segment] = []
        var rest = Substring(text)
        var buffer = ""
        outer: while !rest.isEmpty {
            for token in tokens where !token.content.isEmpty && rest.unicodeScalars.starts(with: token.content.unicodeScalars) {
                var before = buffer
                if token.lstrip { while let last = before.unicodeScalars.last, last.properties.isWhitespace { before.unicodeScalars.removeLast() } }
                if !before.isEmpty { segments.append(.text(before)) }
                buffer = ""
                segments.append(.added(token.id))
                rest = Substring(rest.unicodeScalars.dropFirst(token.content.unicodeScalars.count))
                if token.rstrip { rest = Substring(rest.unicodeScalars.drop { $0.properties.isWhitespace }) }
                continue outer
            }
            buffer.unicodeScalars.append(rest.unicodeScalars.first!)
            rest = Substring(rest.unicodeScalars.dropFirst())
        }
        if !buffer.isEmpty { segments.append(.text(buffer)) }
        return segments
    }

    /// Byte-level BPE of one piece: merge the lowest-ranked adjacent pair until none applies.
    func bpe(_ piece: String) -> [Int] {
        if let cached = cacheLock.withLock({ cache[piece] }) { return cached }
        if let whole = vocabulary[piece], ignoreMerges || piece.unicodeScalars.count == 1 { return [whole] }
        var symbols = piece.unicodeScalars.map { String($0) }
        while symbols.count > 1 {
            var best: (rank: Int, index: Int)?
            for i in 0..<(symbols.count - 1) {
                if let rank = mergeRanks[Pair(left: symbols[i], right: symbols[i + 1])], best == nil || rank < best!.rank {
                    best = (rank, i)
                }
            }
            guard let (_, index) = best else { break }
            let merged = symbols[index] + symbols[index + 1]
            // Merge every occurrence of this pair, left to right, as HF does.
            var next: [String] = []
            var i = 0
            let left = symbols[index], right = symbols[index + 1]
            while i < symbols.count {
                if i < symbols.count - 1, symbols[i] == left, symbols[i + 1] == right {
                    next.append(merged)
                    i += 2
                } else {
                    next.append(symbols[i])
                    i += 1
                }
            }
            symbols = next
        }
        let ids = symbols.compactMap { vocabulary[$0] }
        cacheLock.withLock { if cache.count < 100_000 { cache[piece] = ids } }
        return ids
    }
}

/// A tokenizer file that cannot be used, with what is wrong.
public struct TokenizerError: Error, CustomStringConvertible, Sendable, UserFacingError {
    public var message: String
    public var hint: String?
    init(_ message: String, hint: String?) {
        self.message = message
        self.hint = hint
    }
    public var description: String { userError.description }
    /// A tokenizer file that cannot be read is bad input data.
    public var userError: UserError { UserError(.data, message, hint: hint) }
}
