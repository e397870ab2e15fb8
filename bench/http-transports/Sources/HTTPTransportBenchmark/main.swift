import AsyncHTTPClient
import FakeLLMServer
import Foundation
import Models
import NIOCore
import NIOHTTP1

// Requests/s and client CPU of the project's transport (libcurl's multi interface, opened with
// dlopen) and AsyncHTTPClient against the fake server on loopback, at several concurrencies.
// Usage: HTTPTransportBenchmark [REQUESTS] (default 5000)

let requests = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 5000 : 5000
let server = try FakeLLMServer(idleTimeout: 600)
let url = URL(string: "http://127.0.0.1:\(server.port)/v1/chat/completions")!
let body = Data(#"{"model":"m","messages":[{"role":"user","content":"hello [answer:A]"}]}"#.utf8)

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// Sends `requests` requests with at most `concurrency` in flight; returns (seconds, cpu seconds).
func measure(concurrency: Int, _ send: @escaping @Sendable () async throws -> Void) async throws -> (Double, Double) {
    let start = Date()
    let cpu = cpuSeconds()
    try await withThrowingTaskGroup(of: Void.self) { group in
        var inFlight = 0
        for _ in 0..<requests {
            if inFlight >= concurrency { try await group.next(); inFlight -= 1 }
            group.addTask { try await send() }
            inFlight += 1
        }
        try await group.waitForAll()
    }
    return (Date().timeIntervalSince(start), cpuSeconds() - cpu)
}

let curl = CurlTransport()
let client = HTTPClient(eventLoopGroupProvider: .singleton,
                        configuration: HTTPClient.Configuration(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)))
print("transport      concurrency  requests  seconds  req/s   client_cpu_s  cpu_ms_per_req")
for concurrency in [1, 64, 256] {
    let (s1, c1) = try await measure(concurrency: concurrency) {
        let r = try await curl.send(HTTPRequest(url: url, headers: ["Content-Type": "application/json"], body: body), timeout: .seconds(30))
        precondition(r.status == 200)
    }
    print(String(format: "libcurl        %-12d %-9d %-8.2f %-7.0f %-13.2f %.3f", concurrency, requests, s1, Double(requests) / s1, c1, c1 * 1000 / Double(requests)))
    let (s2, c2) = try await measure(concurrency: concurrency) {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        precondition(response.status == .ok)
    }
    print(String(format: "AsyncHTTPClient %-11d %-9d %-8.2f %-7.0f %-13.2f %.3f", concurrency, requests, s2, Double(requests) / s2, c2, c2 * 1000 / Double(requests)))
}
try await client.shutdown()
server.stop()
