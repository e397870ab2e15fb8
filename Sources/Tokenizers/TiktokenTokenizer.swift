import Foundation

/// A tiktoken-format tokenizer from a local rank file (`<base64 token> <rank>` per line, as
/// OpenAI's `cl100k_base.tiktoken`): bytes are merged pair by pair, always the pair whose
/// concatenation has the lowest rank, and a token's id is its rank.
///
/// Nothing is downloaded: the file must be given locally.
public final class TiktokenTokenizer: @unchecked Sendable {
    /// The split patterns of the public encodings.
    public static let patterns: [String: String] = [
        "r50k_base": PreTokenizer.gpt2Pattern,
        "p50k_base": PreTokenizer.gpt2Pattern,
        "cl100k_base": #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#,
    ]

    private let ranks: [[UInt8]: Int]
    private let decoder: [Int: [UInt8]]
    private let splitter: PreTokenizer

    /// - Parameters:
    ///   - url: The rank file.
    ///   - pattern: The pre-tokenizer regex; defaults to cl100k_base's.
    /// - Throws: ``TokenizerError`` naming the file and the first bad line.
    public init(contentsOf url: URL, pattern: String? = nil) throws {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw TokenizerError("cannot read \(url.path)", hint: "give the path of a local .tiktoken rank file")
        }
        var ranks: [[UInt8]: Int] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let bytes = Data(base64Encoded: String(parts[0])), let rank = Int(parts[1]) else {
                throw TokenizerError("\(url.path):\(number + 1): expected '<base64> <rank>'", hint: "is this a tiktoken rank file?")
            }
            ranks[Array(bytes)] = rank
        }
        self.ranks = ranks
        var decoder: [Int: [UInt8]] = [:]
        for (bytes, rank) in ranks { decoder[rank] = bytes }
        self.decoder = decoder
        splitter = PreTokenizer(steps: [.split(try PreTokenizer.regex(pattern ?? Self.patterns["cl100k_base"]!))])
    }

    public func encode(_ text: String) -> [Int] {
        var ids: [Int] = []
        for piece in splitter.rawPieces(text) { ids += merge(Array(piece.utf8)) }
        return ids
    }

    public func count(_ text: String) -> Int { encode(text).count }

    /// The raw bytes of one token.
    public func tokenBytes(_ id: Int) -> [UInt8] { decoder[id] ?? [] }

    public func decode(_ ids: [Int]) -> String {
        String(decoding: ids.flatMap { decoder[$0] ?? [] }, as: UTF8.self)
    }

    /// The byte-pair merge: join the adjacent pair with the lowest rank until none has one.
    func merge(_ bytes: [UInt8]) -> [Int] {
        if let rank = ranks[bytes] { return [rank] }
        var parts = bytes.map { [$0] }
        while parts.count > 1 {
            var best: (rank: Int, index: Int)?
            for i in 0..<(parts.count - 1) {
                if let rank = ranks[parts[i] + parts[i + 1]], best == nil || rank < best!.rank { best = (rank, i) }
            }
            guard let (_, index) = best else { break }
            parts[index] += parts[index + 1]
            parts.remove(at: index + 1)
        }
        return parts.compactMap { ranks[$0] }
    }
}
