#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Config

// In-process composition speed: how many times per second the config engine composes
// `+model=openai_chat +task=mcq` from conf/, reading the files afresh each time (as a new
// process would) and with the files already loaded.
//
// Usage: ConfigBenchmark [CONF_DIR] [SECONDS]

let arguments = CommandLine.arguments
let confDir = arguments.count > 1 ? arguments[1] : "conf"
let seconds = arguments.count > 2 ? Double(arguments[2]) ?? 2 : 2
let overrides = try ["+model=openai_chat", "+task=mcq", "model.params.temperature=0.5"].map { try OverrideParser.parse($0) }

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func measure(_ label: String, _ body: () throws -> Void) rethrows {
    var count = 0
    let start = monotonicSeconds()
    var now = start
    while now - start < seconds {
        try body()
        count += 1
        now = monotonicSeconds()
    }
    let rate = Double(count) / (now - start)
    print("\(label): \(Int(rate)) compositions/s (\(String(format3: 1e6 / rate)) µs each, \(count) runs)")
}

extension String {
    init(format3 value: Double) {
        let scaled = (value * 10).rounded() / 10
        self = String(scaled)
    }
}

try measure("compose, files read each time") {
    let composer = Composer(repository: ConfigRepository(searchPath: [confDir]))
    let composition = try composer.compose(overrides: overrides)
    _ = YAMLEmitter().emit(composition.config)
}

let shared = Composer(repository: ConfigRepository(searchPath: [confDir]))
try measure("compose, files cached") {
    let composition = try shared.compose(overrides: overrides)
    _ = YAMLEmitter().emit(composition.config)
}
