import Foundation

/// A file's bytes mapped into memory, not read: pages of a large Parquet or Arrow file come in
/// as a reader touches them, and the kernel can drop them again, so memory stays bounded by
/// what one batch holds.
enum MappedData {
    /// - Throws: ``ColumnarError`` naming the file when it cannot be opened.
    static func open(_ path: String) throws(ColumnarError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw ColumnarError("cannot read the file: \(error.localizedDescription)", file: path)
        }
    }
}
