import Foundation

/// An Arrow IPC stream (the `datasets` cache's `*.arrow` files), read record batch by batch.
public struct ArrowStream: RowBatchReader {
    public let path: String
    public private(set) var columns: [String] = []
    public private(set) var metadata: [String: String] = [:]

    /// Reads the schema message. - Throws: ``ColumnarError`` naming the file and offset.
    public init(path: String) throws(ColumnarError) {
        self.path = path
        throw ColumnarError("Arrow reading is not implemented yet", file: path)
    }

    /// Bytes already in memory (fuzzing, tests); `name` is used in errors.
    public init(bytes: [UInt8], name: String) throws(ColumnarError) {
        self.path = name
        throw ColumnarError("Arrow reading is not implemented yet", file: name)
    }

    public func forEachBatch(_ body: (RowBatch) throws -> Void) throws {}
}
