import FakeLLMServer
import Foundation

// A fault-injecting OpenAI / Aleph Alpha compatible server for tests, benchmarks and demos.
// Usage: fake-llm-server [--port N] [--latency-ms N] [--retry-after S] [--random-429 RATE] [--idle-timeout S]
// Prints "listening on http://127.0.0.1:PORT" and stops after --idle-timeout seconds without requests.

var port = 0, latency = 0, idle = 120.0, retryAfter: Double? = nil, random429 = 0.0
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
    let value = arguments.next() ?? ""
    switch flag {
    case "--port": port = Int(value) ?? 0
    case "--latency-ms": latency = Int(value) ?? 0
    case "--retry-after": retryAfter = Double(value)
    case "--random-429": random429 = Double(value) ?? 0
    case "--idle-timeout": idle = Double(value) ?? 120
    default:
        FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8))
        exit(2)
    }
}
let server = try FakeLLMServer(port: port, plan: FaultPlan(latencyMilliseconds: latency, retryAfterSeconds: retryAfter,
                                                           random429Rate: random429), idleTimeout: idle)
FileHandle.standardOutput.write(Data("listening on http://127.0.0.1:\(server.port)\n".utf8))
while !server.isStopped { usleep(200_000) }
