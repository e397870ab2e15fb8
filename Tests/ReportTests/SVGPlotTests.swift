import Foundation
@testable import Report
import Testing

@Suite("SVG plots")
struct SVGPlotTests {
    func plot(_ xs: [String]) -> String {
        let points = xs.enumerated().map { SVGPlot.Point(x: $1, y: 0.5 + Double($0) / 10, low: 0.4, high: 0.9, job: $0) }
        return SVGPlot(title: "acc by seed", xLabel: "seed", yLabel: "acc", series: [SVGPlot.Series(name: "acc", points: points)]).svg
    }

    func circles(_ svg: String) -> [(job: Int, cx: Double)] {
        svg.components(separatedBy: "<circle ").dropFirst().map { part in
            func attribute(_ name: String) -> String {
                let start = part.range(of: name + "=\"")!.upperBound
                return String(part[start...].prefix { $0 != "\"" })
            }
            return (Int(attribute("data-job"))!, Double(attribute("cx"))!)
        }
    }

    @Test("one point and one error bar per job; numbers placed by value, in order")
    func numericAxis() {
        let svg = plot(["1", "10", "2"])
        let points = circles(svg)
        #expect(points.map(\.job) == [0, 2, 1], "drawn left to right: 1, 2, 10")
        #expect(points[0].cx < points[1].cx && points[1].cx < points[2].cx)
        // 2 sits a ninth of the way from 1 to 10.
        #expect(abs((points[1].cx - points[0].cx) / (points[2].cx - points[0].cx) - 1.0 / 9) < 0.01)
        #expect(svg.components(separatedBy: "class=\"errorbar\"").count - 1 == 3)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    }

    @Test("text values are evenly spaced categories in first-seen order, and escaped")
    func categories() {
        let svg = plot(["gpt<4>", "local", "alpha"])
        let xs = circles(svg).map(\.cx)
        #expect(abs((xs[1] - xs[0]) - (xs[2] - xs[1])) < 0.2)
        #expect(svg.contains("gpt&lt;4&gt;") && !svg.contains("gpt<4>"))
    }
}

@Suite("SVG plot ticks")
struct SVGPlotTickTests {
    @Test("the y axis ticks at round steps (1, 2, 2.5 or 5 times a power of ten) covering the data", arguments: [
        (0.082, 0.147, [0.08, 0.1, 0.12, 0.14, 0.16]),
        (0.0, 1.0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0.31, 0.74, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]),
        (12.0, 87.0, [0, 20, 40, 60, 80, 100]),
    ])
    func roundTicks(low: Double, high: Double, expected: [Double]) {
        let ticks = SVGPlot.ticks(low, high)
        #expect(ticks.count == expected.count, "\(ticks)")
        for (tick, want) in zip(ticks, expected) { #expect(abs(tick - want) < 1e-12, "\(ticks)") }
        #expect(ticks.first! <= low && ticks.last! >= high)
    }

    @Test("tick labels print the step's decimals, no more")
    func labels() {
        let points = [SVGPlot.Point(x: "1", y: 0.082, low: .nan, high: .nan, job: 0), SVGPlot.Point(x: "2", y: 0.147, low: .nan, high: .nan, job: 1)]
        let svg = SVGPlot(title: "t", xLabel: "seed", yLabel: "acc", series: [SVGPlot.Series(name: "acc", points: points)]).svg
        let labels = svg.components(separatedBy: "text-anchor=\"end\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
        #expect(labels == ["0.08", "0.10", "0.12", "0.14", "0.16"])
        #expect(SVGPlot.decimals([0, 0.25, 0.5]) == 2)
    }
}
