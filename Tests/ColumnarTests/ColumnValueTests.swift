import Columnar
import Testing

@Suite("columnar values")
struct ColumnValueTests {
    @Test("records compare field by field in order; NaN equals NaN")
    func equality() {
        #expect(ColumnValue.record([("a", .int(1)), ("b", .null)]) == .record([("a", .int(1)), ("b", .null)]))
        #expect(ColumnValue.record([("a", .int(1)), ("b", .null)]) != .record([("b", .null), ("a", .int(1))]))
        #expect(ColumnValue.double(.nan) == .double(.nan))
        #expect(ColumnValue.int(1) != .double(1))
    }
}
