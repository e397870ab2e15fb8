import Foundation

/// The CPU's feature flags, from `/proc/cpuinfo` (Linux): which of the engine's kernels this machine has.
enum CPUFeatures {
    static let flags: Set<Substring> = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " "))
    }()
}
