/// Python's whitespace (`str.isspace`, what `strip()` and `split()` remove): Unicode's White_Space
/// characters plus the four ASCII separators U+001C to U+001F. lm-eval moves a context's
/// trailing whitespace, in this sense, into the continuation.
public enum PythonWhitespace {
    public static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// The number of whitespace scalars at the end of `s` (`len(s) - len(s.rstrip())`).
    public static func trailingCount(_ s: String) -> Int {
        var n = 0
        for c in s.unicodeScalars.reversed() {
            guard isSpace(c) else { break }
            n += 1
        }
        return n
    }
}
