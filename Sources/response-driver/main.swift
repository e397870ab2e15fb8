import Config
import Foundation
import Models
import Response

// Sends N generated prompts through the ResponseComponent to an OpenAI-compatible server,
// with the SQLite cache. Used by the kill-and-resume and shared-cache tests and by
// bench/response.sh; prints "done <id>" per answered item and a summary line.
//
// Usage: response-driver --base-url URL --cache PATH|postgresql://...|off --items N [--concurrency C]
//        [--prefix P] [--retries R] [--claim-lease SECONDS] [--quiet]

var baseURL = "", cachePath = "off", count = 100, concurrency = 8, prefix = "item", retries = 3, quiet = false
var claimLease = 60.0
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
    switch flag {
    case "--base-url": baseURL = arguments.next() ?? ""
    case "--cache": cachePath = arguments.next() ?? "off"
    case "--items": count = Int(arguments.next() ?? "") ?? count
    case "--concurrency": concurrency = Int(arguments.next() ?? "") ?? concurrency
    case "--prefix": prefix = arguments.next() ?? prefix
    case "--retries": retries = Int(arguments.next() ?? "") ?? retries
    case "--claim-lease": claimLease = Double(arguments.next() ?? "") ?? claimLease
    case "--quiet": quiet = true
    default:
        FileHandle.standardError.write(Data("response-driver: unknown option \(flag)\n".utf8))
        exit(2)
    }
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

actor Tally {
    var answered = 0, cached = 0, failed = 0, skipped = 0
    func add(_ outcome: ResponseOutcome) {
        switch outcome.status {
        case .answered: answered += 1; if outcome.cached { cached += 1 }
        case .failed: failed += 1
        case .skipped: skipped += 1
        }
    }
    var line: String { "answered=\(answered) cached=\(cached) failed=\(failed) skipped=\(skipped)" }
}

do {
    let params = try YAMLLoader.load("base_url: \(baseURL)\ntimeout: 30\n", file: "<driver>")
    let model = try ModelMap.default.build(LLMConfig(name: "local_chat", params: params))
    let cache = cachePath == "off" ? nil : try ResponseStores.open(cachePath, options: StoreOptions(claimLease: claimLease))
    let component = ResponseComponent(model: model, cache: cache,
                                      policy: ResponsePolicy(maxConcurrency: concurrency, maxRetries: retries,
                                                             backoff: Backoff(initialWait: 0.05, maxWait: 1)))
    let items = (0..<count).lazy.map { ResponseItem(id: "\($0)", request: .generate(GenerationRequest(prompt: .text("\(prefix) \($0)")))) }
    let tally = Tally()
    let printDone = !quiet
    let start = Date()
    let cpuStart = cpuSeconds()
    try await component.run(Array(items)) { outcome in
        await tally.add(outcome)
        if printDone, case .answered = outcome.status {
            FileHandle.standardOutput.write(Data("done \(outcome.id)\n".utf8))
        }
    }
    let elapsed = Date().timeIntervalSince(start)
    let summary = "summary items=\(count) \(await tally.line) seconds=\(String(format: "%.3f", elapsed)) cpu=\(String(format: "%.3f", cpuSeconds() - cpuStart))\n"
    FileHandle.standardOutput.write(Data(summary.utf8))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
