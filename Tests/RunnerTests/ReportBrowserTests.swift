import FakeLLMServer
import Foundation
import TestSupport
import Testing

/// report.html checked in a real browser: Debian's chromium, headless, which `scripts/test.sh`
/// installs. The DOM is read after the page's script ran (`--dump-dom`); a link's `#filter=...`
/// chooses the sample view, as a user's click would.
@Suite("report.html in a real browser", .serialized, .timeLimit(.minutes(4)), .enabled(if: Chromium.path != nil || Chromium.isRequired))
struct ReportBrowserTests {
    /// A six-job sweep on the fake server: seed x temperature, one task.
    static func sweep(in dir: TemporaryDirectory, server: FakeLLMServer, extra: [String] = []) async throws -> (RunnerResult, String) {
        let sweep = dir.url.appendingPathComponent("sweep").path
        let result = try await RunnerProcess.run(["--quiet", "-m", "+model=local_chat", "+task=mcq", "seed=1,2,3", "model.params.temperature=0.0,0.5",
                                            "model.params.base_url=http://127.0.0.1:\(server.port)/v1", "response.cache.mode=off",
                                            "hydra.sweep.dir=\(sweep)"] + extra)
        return (result, sweep)
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test("a sweep writes report.html: one row per job, one point per job in each plot, the numbers of results.json")
    func sweepReport() async throws {
        let chromium = try Chromium.require()
        let server = try FakeLLMServer(plan: FaultPlan(), idleTimeout: 120)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let (result, sweep) = try await Self.sweep(in: dir, server: server)
        #expect(result.status == 0, "\(result.stderr)")
        let page = try String(contentsOfFile: sweep + "/report.html", encoding: .utf8)
        // Self-contained: nothing fetched from anywhere.
        for outside in ["src=", "<link", "url(", "@import"] { #expect(!page.contains(outside), "the page loads '\(outside)'") }

        let dom = try await chromium.dumpDOM(sweep + "/report.html")
        #expect(Self.count("class=\"job-row\"", in: dom) == 6)
        let plots = dom.components(separatedBy: "<svg").dropFirst()
        #expect(plots.count >= 2, "acc by seed and acc by temperature")
        for plot in plots { #expect(Self.count("class=\"point\"", in: plot) == 6, "one point per job") }
        #expect(dom.contains("40 of 40 samples"))
        #expect(dom.contains("Confusion matrices") && Self.count("class=\"cell\"", in: dom) == 6 * 4 * 5)
        #expect(dom.contains("items both scored"))

        // The table shows results.json's numbers: each job's acc, to four places.
        for job in 0..<6 {
            let results = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(sweep)/\(job)/results.json"))) as! [String: Any]
            let acc = ((results["metrics"] as! [String: Any])["acc"] as! [String: Any])["value"] as! Double
            let row = dom.components(separatedBy: "<tr class=\"job-row\" data-job=\"\(job)\"")[1].components(separatedBy: "</tr>")[0]
            #expect(row.contains(">" + String(format: "%.4f", acc) + "<"), "job \(job): acc \(acc)")
        }

        // Filters and search change what the sample browser counts, to what samples.jsonl holds.
        let samples = try String(contentsOfFile: sweep + "/0/samples.jsonl", encoding: .utf8).split(separator: "\n")
        let wrong = samples.filter { $0.contains("\"status\":\"scored\"") && $0.contains("\"score\":0") }.count
        #expect(wrong > 0 && wrong < 40)
        #expect(try await chromium.dumpDOM(sweep + "/report.html", hash: "job=0&filter=wrong").contains("\(wrong) of 40 samples"))
        let capital = samples.filter { $0.lowercased().contains("capital") }.count
        #expect(capital > 0 && capital < 40)
        #expect(try await chromium.dumpDOM(sweep + "/report.html", hash: "job=0&q=capital").contains("\(capital) of 40 samples"))

        // Not blank: far more drawn than on an empty page of the same size.
        let blank = dir.url.appendingPathComponent("blank.html").path
        try "<!DOCTYPE html><html><body></body></html>".write(toFile: blank, atomically: true, encoding: .utf8)
        let ours = try await chromium.screenshot(sweep + "/report.html", to: dir.url.appendingPathComponent("ours.png").path)
        let empty = try await chromium.screenshot(blank, to: dir.url.appendingPathComponent("blank.png").path)
        #expect(ours > 5 * empty, "screenshot \(ours) bytes against \(empty) for a blank page")
    }

    @Test("report: false turns the sweep's page off; runner report writes one for a single run")
    func settingAndRun() async throws {
        let server = try FakeLLMServer(plan: FaultPlan(), idleTimeout: 120)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let (result, sweep) = try await Self.sweep(in: dir, server: server, extra: ["report=false"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sweep + "/report.html"))
        let single = try await RunnerProcess.run(["report", sweep + "/2"])
        #expect(single.status == 0, "\(single.stderr)")
        let page = try String(contentsOfFile: sweep + "/2/report.html", encoding: .utf8)
        #expect(page.contains("Run: local_chat on mcq"))
        expectUserError(try await RunnerProcess.run(["report", dir.url.path + "/nothing-here"]), contains: ["is not a folder"])
        expectUserError(try await RunnerProcess.run(["report", dir.url.path]), contains: ["holds no results.json"])
    }

    @Test("100,000 samples: the browser counts them all and draws only the rows in view")
    func manySamples() async throws {
        let chromium = try Chromium.require()
        let server = try FakeLLMServer(plan: FaultPlan(), idleTimeout: 120)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let run = dir.url.appendingPathComponent("run").path
        let result = try await RunnerProcess.run(["--quiet", "+model=local_chat", "+task=mcq", "model.params.base_url=http://127.0.0.1:\(server.port)/v1",
                                            "response.cache.mode=off", "hydra.run.dir=\(run)"])
        #expect(result.status == 0, "\(result.stderr)")
        // The run's own 40 lines, repeated with fresh ids up to 100,000.
        let lines = try String(contentsOfFile: run + "/samples.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        var many = ""
        for index in 0..<100_000 {
            let line = lines[index % lines.count]
            let id = line.components(separatedBy: "\"id\":\"")[1].prefix { $0 != "\"" }
            many += line.replacingOccurrences(of: "\"id\":\"\(id)\"", with: "\"id\":\"\(id)-\(index)\"") + "\n"
        }
        try many.write(toFile: run + "/samples.jsonl", atomically: true, encoding: .utf8)
        let report = try await RunnerProcess.run(["report", run])
        #expect(report.status == 0, "\(report.stderr)")
        let started = Date()
        let dom = try await chromium.dumpDOM(run + "/report.html")
        let seconds = Date().timeIntervalSince(started)
        #expect(dom.contains("100000 of 100000 samples"))
        let drawn = Self.count("class=\"row", in: dom)
        #expect(drawn > 0 && drawn < 60, "\(drawn) rows in the DOM for 100,000 samples")
        print("report with 100,000 samples: loaded and drawn in headless chromium in \(String(format: "%.1f", seconds)) s")
    }
}
