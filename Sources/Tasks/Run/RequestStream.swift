import Config
import Foundation
import Models
import Response
import Synchronization

/// The requests of every item, read lazily: item `i`'s `k`-th request has the id `"i:k"`.
///
/// The responder pulls a bounded chunk at a time, so only the items in flight are in memory.
/// A read or prompt error ends the sequence and is kept in ``failure``.
final class RequestStream: Sequence, ClosableItems {
    let task: any EvaluationTask
    let items: DatasetItems
    private let error = Mutex<TaskError?>(nil)
    private let closed = Mutex(false)

    /// No more requests: the run stops (too many errors or skips, an item that cannot be read).
    func close() { closed.withLock { $0 = true } }
    var isClosed: Bool { closed.withLock { $0 } }

    init(task: any EvaluationTask, items: DatasetItems) {
        self.task = task
        self.items = items
    }

    /// The error that ended the sequence early, if any.
    var failure: TaskError? { error.withLock { $0 } }

    struct Iterator: IteratorProtocol {
        let stream: RequestStream
        var index = 0
        var pending: [ModelRequest] = []
        var position = 0

        mutating func next() -> ResponseItem? {
            while position == pending.count {
                guard index < stream.items.count, stream.failure == nil, !stream.isClosed else { return nil }
                do {
                    pending = try stream.task.requests(for: try stream.items.item(at: index))
                } catch {
                    stream.error.withLock { $0 = error }
                    return nil
                }
                index += 1
                position = 0
            }
            defer { position += 1 }
            return ResponseItem(id: "\(index - 1):\(position)", request: pending[position])
        }
    }

    func makeIterator() -> Iterator { Iterator(stream: self) }
}
