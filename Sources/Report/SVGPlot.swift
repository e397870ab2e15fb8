import Foundation

/// A metric against one swept value, as inline SVG: one point per job with its interval as an
/// error bar, one series (colour, joined by a line) per value of a second swept key.
///
/// The x axis is numeric when every value is a number (seeds, temperatures), else the values
/// are evenly spaced categories in first-seen order (models, tasks).
public struct SVGPlot: Sendable {
    public struct Point: Sendable {
        public var x: String
        public var y: Double
        public var low: Double
        public var high: Double
        /// The job the point stands for (`data-job` on its circle).
        public var job: Int
        public init(x: String, y: Double, low: Double, high: Double, job: Int) {
            self.x = x; self.y = y; self.low = low; self.high = high; self.job = job
        }
    }

    public struct Series: Sendable {
        public var name: String
        public var points: [Point]
        public init(name: String, points: [Point]) { self.name = name; self.points = points }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 560.0
    public var height = 300.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    public var svg: String {
        let left = 56.0, right = 16.0, top = 28.0, bottom = 44.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let points = series.flatMap(\.points)
        let categories = points.reduce(into: [String]()) { if !$0.contains($1.x) { $0.append($1.x) } }
        let numbers = categories.compactMap(Double.init)
        let numeric = numbers.count == categories.count && !numbers.isEmpty
        let xs = numeric ? (numbers.min()!, numbers.max()!) : (0.0, 0.0)
        // Categories sit in the middle of equal slots; numbers on a scale inset 5% at each end,
        // so labels and error bars at the ends stay inside.
        func xPosition(_ x: String) -> Double {
            guard numeric else {
                let slot = plotWidth / Double(max(categories.count, 1))
                return left + (Double(categories.firstIndex(of: x) ?? 0) + 0.5) * slot
            }
            let span = xs.1 - xs.0
            if span == 0 { return left + plotWidth / 2 }
            return left + plotWidth * (0.05 + 0.9 * (Double(x)! - xs.0) / span)
        }
        let finite = points.flatMap { [$0.y, $0.low, $0.high] }.filter { $0.isFinite }
        var yMin = finite.min() ?? 0, yMax = finite.max() ?? 1
        if yMax - yMin < 1e-9 { yMin -= 0.05; yMax += 0.05 }
        // The axis runs from one round tick to another that cover the data.
        let ticks = Self.ticks(yMin, yMax)
        yMin = ticks.first!; yMax = ticks.last!
        let decimals = Self.decimals(ticks)
        func yPosition(_ y: Double) -> Double { top + (1 - (y - yMin) / (yMax - yMin)) * plotHeight }

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        out += "<text class=\"plot-title\" x=\"\(n(left))\" y=\"18\">\(escape(title))</text>"
        // Axes, with five ticks on y.
        out += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(top + plotHeight))\"/>"
        out += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(top + plotHeight))\"/>"
        for value in ticks {
            let y = yPosition(value)
            out += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(y))\"/>"
            out += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(String(format: "%.\(decimals)f", value))</text>"
        }
        let tickLabels = numeric ? categories.sorted { Double($0)! < Double($1)! } : categories
        for label in tickLabels.prefix(20) {
            out += "<text class=\"tick\" x=\"\(n(xPosition(label)))\" y=\"\(n(top + plotHeight + 16))\" text-anchor=\"middle\">\(escape(String(label.prefix(18))))</text>"
        }
        out += "<text class=\"axis-label\" x=\"\(n(left + plotWidth / 2))\" y=\"\(n(height - 6))\" text-anchor=\"middle\">\(escape(xLabel))</text>"
        out += "<text class=\"axis-label\" transform=\"translate(14 \(n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>"
        for (index, line) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            let ordered = line.points.sorted { xPosition($0.x) < xPosition($1.x) }.filter { $0.y.isFinite }
            if ordered.count > 1 {
                let shift = series.count > 1 ? (Double(index) - Double(series.count - 1) / 2) * 7 : 0
                let path = ordered.map { "\(n(xPosition($0.x) + shift)),\(n(yPosition($0.y)))" }.joined(separator: " ")
                out += "<polyline class=\"series-line\" fill=\"none\" stroke=\"\(colour)\" points=\"\(path)\"/>"
            }
            // Series side by side at the same x, so their error bars do not hide each other.
            let dodge = series.count > 1 ? (Double(index) - Double(series.count - 1) / 2) * 7 : 0
            for point in ordered {
                let x = xPosition(point.x) + dodge
                if point.low.isFinite && point.high.isFinite {
                    out += "<line class=\"errorbar\" stroke=\"\(colour)\" x1=\"\(n(x))\" y1=\"\(n(yPosition(point.low)))\" x2=\"\(n(x))\" y2=\"\(n(yPosition(point.high)))\"/>"
                }
                out += "<circle class=\"point\" data-job=\"\(point.job)\" fill=\"\(colour)\" cx=\"\(n(x))\" cy=\"\(n(yPosition(point.y)))\" r=\"4\">"
                out += "<title>job #\(point.job): \(escape(point.x)) → \(format(point.y)) [\(format(point.low)), \(format(point.high))]</title></circle>"
            }
            if series.count > 1 {
                let y = top + 4 + Double(index) * 14
                out += "<rect x=\"\(n(left + plotWidth - 120))\" y=\"\(n(y))\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>"
                out += "<text class=\"legend\" x=\"\(n(left + plotWidth - 104))\" y=\"\(n(y + 9))\">\(escape(String(line.name.prefix(22))))</text>"
            }
        }
        return out + "</svg>"
    }

    /// Round ticks that cover `low...high`: a step of 1, 2, 2.5 or 5 times a power of ten,
    /// about `count` intervals, first and last ticks on multiples of the step.
    static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard low.isFinite, high.isFinite, high > low else { return [low, high] }
        let rough = (high - low) / Double(count)
        let power = pow(10, (log10(rough)).rounded(.down))
        let step = [1, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
        // Multiples of the step, not sums of it: 0.1 * 3 prints as 0.3, 0.1 + 0.1 + 0.1 does not.
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// Decimals that show every tick exactly (0.25 needs two).
    static func decimals(_ ticks: [Double]) -> Int {
        for digits in 0...6 {
            let scale = pow(10, Double(digits))
            if ticks.allSatisfy({ abs(($0 * scale).rounded() - $0 * scale) < 1e-6 }) { return digits }
        }
        return 6
    }

    private func n(_ x: Double) -> String { String(format: "%.1f", x) }
    private func format(_ x: Double) -> String { x.isFinite ? String(format: "%.3f", x) : "–" }
}

/// Text for HTML and SVG, with `& < > " '` escaped.
func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
