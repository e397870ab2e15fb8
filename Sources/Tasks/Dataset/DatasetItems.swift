import Models

/// The items a task evaluates, in evaluation order.
///
/// A JSONL dataset stays on disk: the loader keeps where each selected record lies in the file
/// (24 bytes an item) and an item is read and parsed again when it is asked for, so a run holds
/// only the items in flight however large the dataset (``Evaluation`` reads, sends, scores,
/// writes and forgets). CSV files and lm-eval's datasets are held in memory.
///
/// ```swift
/// let items = try DatasetLoader.load(config.dataset, required: ["question"])
/// try items.forEach { item throws(TaskError) in try check(item) }
/// let third = try items.item(at: 2)
/// ```
public struct DatasetItems: Sendable {
    enum Storage: Sendable {
        case memory([DatasetItem])
        case file(JSONLRecordFile, [JSONLRecordFile.Span])
    }

    let storage: Storage

    /// Items held in memory, numbered in order.
    public init(_ items: [DatasetItem]) {
        storage = .memory(items.enumerated().map { index, item in
            var item = item
            item.index = index
            return item
        })
    }

    init(file: JSONLRecordFile, spans: [JSONLRecordFile.Span]) {
        storage = .file(file, spans)
    }

    public var count: Int {
        switch storage {
        case .memory(let items): return items.count
        case .file(_, let spans): return spans.count
        }
    }

    public var isEmpty: Bool { count == 0 }

    /// The item at `index` (0..<count).
    ///
    /// - Throws: ``TaskError`` when the file can no longer be read or its record changed since
    ///   it was loaded (the file was edited during the run).
    public func item(at index: Int) throws(TaskError) -> DatasetItem {
        switch storage {
        case .memory(let items): return items[index]
        case .file(let file, let spans):
            var item = try file.read(spans[index])
            item.index = index
            return item
        }
    }

    /// Calls `body` with every item in order.
    public func forEach(_ body: (DatasetItem) throws(TaskError) -> Void) throws(TaskError) {
        for index in 0..<count { try body(try item(at: index)) }
    }

    /// Every item, read into memory (tests and small pools).
    public func all() throws(TaskError) -> [DatasetItem] {
        var items: [DatasetItem] = []
        items.reserveCapacity(count)
        try forEach { items.append($0) }
        return items
    }
}
