import Foundation

/// One operating-system thread that runs the engine's work in order, like a serial dispatch
/// queue that never changes threads.
///
/// A serial `DispatchQueue` runs each block on whichever worker thread is free, and libgomp
/// keeps a team of threads for every thread that opens a parallel region: an engine driven
/// from a queue grows a team per worker it lands on, and the idle teams spin against the
/// working one. On 2 cores one bfloat16 stream fell from 108 tok/s in its first round to
/// 50-60 in the next ones (perf: the products on six threads). One thread keeps one team.
final class EngineThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var work: [@Sendable () -> Void] = []
    private var stopping = false

    init(name: String) {
        let thread = Thread { [self] in self.serve() }
        thread.name = name
        // As much stack as a main thread has: libtorch's and oneDNN's frames run deep.
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Runs `body` after everything enqueued before it, on the engine's thread.
    func async(_ body: @escaping @Sendable () -> Void) {
        condition.lock()
        work.append(body)
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` on the engine's thread, after everything enqueued before it, and returns
    /// what it returns or throws.
    func value<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { resume in self.async { resume.resume(with: Result(catching: body)) } }
    }

    /// ``value(_:)`` for a body that cannot throw.
    func value<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { resume in self.async { resume.resume(returning: body()) } }
    }

    /// Lets the thread end once the work already enqueued is done.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        while true {
            condition.lock()
            while work.isEmpty && !stopping { condition.wait() }
            if work.isEmpty {
                condition.unlock()
                return
            }
            let batch = work
            work.removeAll(keepingCapacity: true)
            condition.unlock()
            for body in batch { body() }
        }
    }
}
