#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that nobody listens on now: bound to port 0, read, let go. For the
/// servers the runner and the tests start (vLLM, PostgreSQL); another process may take it in
/// between, which the caller's start-up error then names.
public enum LoopbackPort {
    public static func free() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ModelError(.environment, "cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = Self.address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            throw ModelError(.environment, "cannot find a free loopback port: \(reason)", cause: reason)
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// 127.0.0.1:`port` as a socket address: the one place the runner spells loopback (the fake
    /// server keeps its own copy because it depends on no other module).
    public static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
