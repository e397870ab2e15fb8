import FakeLLMServer
import Foundation

// A fault-injecting OpenAI / Aleph Alpha compatible server for tests, benchmarks and demos.

let usage = """
    fake-llm-server: an OpenAI- and Aleph Alpha-compatible server on 127.0.0.1 that injects faults.

    Usage: fake-llm-server [--port N] [--latency-ms N] [--retry-after S] [--random-429 RATE] [--idle-timeout S]

      --port N            port to listen on (0, the default: any free port)
      --latency-ms N      wait N milliseconds before each answer (default 0)
      --retry-after S     send Retry-After: S with 429 and 503 answers (default: none)
      --random-429 RATE   answer this fraction of requests (0 to 1) with 429, seeded (default 0)
      --idle-timeout S    stop after S seconds without a request (default 120)
      --help, -h          this help

    Prints "listening on http://127.0.0.1:PORT" once ready; base_url is that plus /v1 (Aleph
    Alpha's: without /v1). Served: POST /v1/chat/completions, /v1/completions, /v1/moderations,
    /v1/files, /v1/batches, /complete; GET /v1/models, /health, /v1/stats; anything else is 404.
    Markers in a prompt choose the answer: [answer:TEXT] answers TEXT, [prefer:X] makes " X" the
    likeliest continuation, and [fault:KIND] or [fault:KINDxN] injects a fault (always, or N
    times): any status (429, 500, 501, 503, 408, 400, 401, 403, 404, 422, ...), reset, hang,
    malformed, truncated, context.

    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\nhint: see 'fake-llm-server --help'\n".utf8))
    exit(2)
}

func number<T: LosslessStringConvertible & Comparable>(_ text: String?, for flag: String, _ range: ClosedRange<T>) -> T {
    guard let text, let value = T(text), range.contains(value) else {
        fail("\(flag) takes a number from \(range.lowerBound) to \(range.upperBound), not '\(text ?? "")'")
    }
    return value
}

var port = 0, latency = 0, idle = 120.0, retryAfter: Double? = nil, random429 = 0.0
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
    switch flag {
    case "--help", "-h":
        FileHandle.standardOutput.write(Data(usage.utf8))
        exit(0)
    case "--port": port = number(arguments.next(), for: flag, 0...65535)
    case "--latency-ms": latency = number(arguments.next(), for: flag, 0...600_000)
    case "--retry-after": retryAfter = number(arguments.next(), for: flag, 0.0...3600.0)
    case "--random-429": random429 = number(arguments.next(), for: flag, 0.0...1.0)
    case "--idle-timeout": idle = number(arguments.next(), for: flag, 0.1...86_400.0)
    default: fail("unknown option '\(flag)'")
    }
}
do {
    let server = try FakeLLMServer(port: port, plan: FaultPlan(latencyMilliseconds: latency, retryAfterSeconds: retryAfter,
                                                               random429Rate: random429), idleTimeout: idle)
    FileHandle.standardOutput.write(Data("listening on http://127.0.0.1:\(server.port)\n".utf8))
    while !server.isStopped { usleep(200_000) }
} catch {
    fail("cannot listen on 127.0.0.1:\(port): \(error)")
}
