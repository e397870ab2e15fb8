/// Suggests the nearest known name for a misspelled one.
/// Did-you-mean hints: the one place a typo is matched to what the user probably meant.
public enum DidYouMean {
    /// The closest candidate by edit distance, when it is close enough to be a likely typo:
    /// at most a third of the word's length and below 4 (as swift-argument-parser does).
    public static func closest(to word: String, in candidates: [String]) -> String? {
        var best: (String, Int)?
        for candidate in candidates where candidate != word {
            let distance = editDistance(word.lowercased(), candidate.lowercased())
            if best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        guard let (name, distance) = best else { return nil }
        let limit = min(3, max(1, word.count / 3 + 1))
        return distance <= limit ? name : nil
    }

    /// The hint for a likely typo: `did you mean 'GUESS'? ` before `rest`, or `rest` alone when
    /// nothing is close. `shown` writes the guess as the user would type it (`{field}`, a full key).
    /// `renamed` maps names another tool uses to ours (submitit's `submitit_folder`): those are
    /// suggested whatever their distance.
    public static func hint(_ word: String, among candidates: [String], renamed: [String: String] = [:], shown: (String) -> String = { $0 },
                            then rest: String) -> String {
        guard let guess = renamed[word] ?? closest(to: word, in: candidates) else { return rest }
        return "did you mean '\(shown(guess))'? " + rest
    }

    /// `did you mean 'GUESS'?`, or nil when nothing is close.
    public static func hint(_ word: String, among candidates: [String], shown: (String) -> String = { $0 }) -> String? {
        closest(to: word, in: candidates).map { "did you mean '\(shown($0))'?" }
    }

    /// Levenshtein distance over Unicode scalars.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
