import Models
import Testing

/// Lookbehinds (Swift's Regex has none yet) go to ICU's engine; the expected values are what
/// CPython 3.11's `re` returns for the same calls.
@Suite("Python regular expressions with lookbehind")
struct PythonRegexTests {
    @Test("BBH's answer filter: re.findall('(?<=the answer is )(.*)(?=.)', ...) == ['(B)']")
    func bbhFilter() throws {
        let regex = try PythonRegex("(?<=the answer is )(.*)(?=.)")
        #expect(regex.findall("So the answer is (B).") == [.string("(B)")])
    }

    @Test("a negative lookbehind with an optional group that does not take part gives ''")
    func negativeLookbehind() throws {
        #expect(try PythonRegex("(?<!x)a(b)?").findall("xab ab a") == [.string("b"), .string("")])
    }

    @Test("re.sub with lookarounds, and positions past astral code points")
    func substituteAndPositions() throws {
        #expect(try PythonRegex(#"(?<=\d),(?=\d)"#).sub("", in: "1,234,5 a,b") == "12345 a,b")
        #expect(try PythonRegex("(?<=é)(.)").findall("éa😀é😀") == [.string("a"), .string("😀")])
    }

    @Test("a malformed lookbehind is a Failure naming the pattern, not a trap")
    func malformed() {
        #expect(throws: PythonRegex.Failure.self) { try PythonRegex("(?<=a") }
    }
}
