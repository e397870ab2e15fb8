import Foundation
import Testing
@testable import Config

/// Float ranges against the values hydra-core's own `FloatRange` produced
/// (Fixtures/float_ranges/record.py), digit for digit.
struct SweepRangeTests {
    struct RecordedRange: Decodable {
        var start: String, stop: String, step: String
        var values: [String]
    }

    static let recorded: [RecordedRange] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/float_ranges/float_ranges.json")
        return (try? JSONDecoder().decode([RecordedRange].self, from: Data(contentsOf: url))) ?? []
    }()

    @Test("float ranges step in Python's Decimal as Hydra does")
    func floatRangesMatchHydra() throws {
        #expect(Self.recorded.count == 52)
        for case_ in Self.recorded {
            let range = SweepRange(start: .float(Double(case_.start)!), stop: .float(Double(case_.stop)!), step: .float(Double(case_.step)!))
            let values = try range.values().map { value -> String in
                guard case .double(let d) = value else { return "not a float" }
                return PythonFormat.repr(d)
            }
            #expect(values == case_.values, "range(\(case_.start), \(case_.stop), \(case_.step))")
        }
    }

    @Test("integer ranges are Python's range, without overflow at the edge")
    func integerRanges() throws {
        #expect(try SweepRange(start: .int(5), stop: .int(1), step: .int(-2)).values() == [.int(5), .int(3)])
        let edge = try SweepRange(start: .int(Int.max - 2), stop: .int(Int.max), step: .int(5)).values()
        #expect(edge == [.int(Int.max - 2)])
        #expect(throws: SweepRange.Failure.tooMany) { try SweepRange(start: .int(0), stop: .int(Int.max), step: .int(1)).values() }
    }

    @Test("sort turns a descending range around as Hydra does")
    func sortedRange() {
        let sorted = SweepRange(start: .int(5), stop: .int(1), step: .int(-1)).sorted(reverse: false)
        #expect(sorted == SweepRange(start: .int(2), stop: .int(6), step: .int(1)))
        let reversed = SweepRange(start: .int(1), stop: .int(4), step: .int(1)).sorted(reverse: true)
        #expect(reversed == SweepRange(start: .int(3), stop: .int(0), step: .int(-1)))
    }

    @Test("Decimal addition rounds to 28 significant digits, half to even")
    func decimalRounding() throws {
        // 0.1 is 0.1000000000000000055511151231257827...; ten additions in 28 digits drift.
        let tenth = try #require(PythonDecimal(exactly: 0.1))
        var sum = PythonDecimal(0)
        for _ in 0..<7 { sum = sum + tenth }
        #expect(sum.doubleValue == 0.7000000000000001)
        #expect(PythonDecimal(exactly: .infinity) == nil)
        #expect(PythonDecimal(-3) < PythonDecimal(2))
        #expect(!(PythonDecimal(exactly: -0.0)! < PythonDecimal(0)))
    }
}
