import Foundation

/// Runs blocking work (waiting for a child process, reading a pipe to its end, sleeping) on a
/// thread of its own and suspends the calling task meanwhile.
///
/// Why: Swift's cooperative pool has one thread per core. On a 2-core CI machine two tests that
/// block in `waitUntilExit` hold the whole pool, and every other test — including the in-process
/// fake servers' clients — stalls until they finish; that is how a 2-minute test timed out at
/// 244 s. Tests call blocking APIs only through this.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// The non-throwing form of `offThePool`.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

extension Process {
    /// `waitUntilExit` without holding a thread of the cooperative pool.
    public func exited() async {
        nonisolated(unsafe) let process = self
        await offThePool { process.waitUntilExit() }
    }
}

extension FileHandle {
    /// `readDataToEndOfFile` without holding a thread of the cooperative pool.
    public func readAll() async -> Data {
        nonisolated(unsafe) let handle = self
        return await offThePool { handle.readDataToEndOfFile() }
    }
}

/// `Task.sleep` for a number of seconds, for polling loops in tests.
public func sleepFor(_ seconds: Double) async {
    try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
}

/// Reads a pipe to its end on a thread of its own; `wait()` returns what it read. Used where
/// two pipes of one child are drained at once.
public final class ReadInBackground: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    public init(_ handle: FileHandle) {
        nonisolated(unsafe) let handle = handle
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Blocks; call only off the cooperative pool.
    public func wait() -> Data {
        done.wait()
        return data
    }
}

/// Polls `condition` every 20 ms on a thread of its own and sends `signal` to `pid` the
/// moment it holds (or when `timeout` seconds pass): a test that interrupts a run part-way
/// must not wait for a free thread of a busy pool between seeing the moment and acting.
/// Returns whether the condition held.
@discardableResult
public func signal(_ pid: Int32, _ signal: Int32, when condition: @escaping @Sendable () -> Bool, timeout: Double) async -> Bool {
    await offThePool {
        let deadline = Date().addingTimeInterval(timeout)
        var held = condition()
        while !held && Date() < deadline {
            usleep(20_000)
            held = condition()
        }
        kill(pid, signal)
        return held
    }
}
