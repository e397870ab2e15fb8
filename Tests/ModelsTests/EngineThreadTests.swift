import Foundation
import Synchronization
import Testing
@testable import Models

/// The engine's thread: every block on one OS thread, in the order enqueued, whoever enqueues.
@Suite("engine thread")
struct EngineThreadTests {
    /// What the blocks saw: the thread each ran on and the order they ran in.
    final class Record: Sendable {
        let seen = Mutex<(threads: Set<UInt>, order: [Int])>((threads: [], order: []))
    }

    @Test("blocks enqueued from many tasks all run on one thread, each task's in its own order")
    func oneThreadInOrder() async {
        let thread = EngineThread(name: "test.engine")
        defer { thread.stop() }
        let record = Record()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for i in 0..<50 {
                        thread.async {
                            let me = UInt(pthread_self())
                            record.seen.withLock { $0.threads.insert(me); $0.order.append(task * 1000 + i) }
                        }
                    }
                }
            }
        }
        // A last block, enqueued after all the others, tells when they have run.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in thread.async { done.resume() } }
        let (threads, order) = record.seen.withLock { $0 }
        #expect(order.count == 400)
        #expect(threads.count == 1)
        #expect(!threads.contains(UInt(pthread_self())), "the blocks ran on the test's own thread")
        for task in 0..<8 {
            let mine = order.filter { $0 / 1000 == task }.map { $0 % 1000 }
            #expect(mine == Array(0..<50), "task \(task)'s blocks ran out of order")
        }
    }

    @Test("stop lets the work already enqueued finish")
    func stopFinishesQueuedWork() async {
        let thread = EngineThread(name: "test.engine.stop")
        let record = Record()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            for i in 0..<20 { thread.async { record.seen.withLock { $0.order.append(i) } } }
            thread.async { done.resume() }
            thread.stop()
        }
        #expect(record.seen.withLock { $0.order } == Array(0..<20))
    }
}
