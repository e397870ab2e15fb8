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
