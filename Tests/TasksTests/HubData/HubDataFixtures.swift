import Foundation

/// The committed fixtures made by `Fixtures/hubdata/make_fixtures.py` with real `datasets`.
enum HubDataFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hubdata").path
    static let mainCommit = "210d026faf9955653af8916fad021475a3f00453"
    static let oldCommit = "0123456789abcdef0123456789abcdef01234567"
    static let parquetCommit = "b2f0e6a3c4d5e6f708192a3b4c5d6e7f80910111"

    /// A fresh copy of a fixture folder in a temporary folder (so tests can set mtimes).
    static func copy(_ name: String) throws -> String {
        let target = NSTemporaryDirectory() + "hubdata-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder + "/" + name, toPath: target + "/" + name)
        return target + "/" + name
    }

    static func setModified(_ path: String, _ date: Date) throws {
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }

    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
    }

    /// Open sockets of this process (from /proc/self/fd).
    static func openSockets() -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0))?.hasPrefix("socket:") == true }.count
    }
}
