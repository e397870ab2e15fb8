import Foundation

/// A Parquet file, read row group by row group: the file is memory-mapped and only one row
/// group's values are decoded at a time, so memory is bounded by the largest row group.
public struct ParquetFile: RowBatchReader {
    public let path: String
    public private(set) var columns: [String] = []
    public private(set) var metadata: [String: String] = [:]
    /// Rows in the whole file, from the footer.
    public private(set) var rowCount: Int = 0
    /// The writer, e.g. `parquet-cpp-arrow version 26.0.1`.
    public private(set) var createdBy: String?
    /// Row groups in the file.
    public var rowGroupCount: Int { footer.rowGroups.count }

    private let data: Data
    private var footer: FileMetaData
    private var schema: ParquetSchema
    private var footerStart = 0

    /// Reads the footer. - Throws: ``ColumnarError`` naming the file and offset.
    public init(path: String) throws(ColumnarError) {
        try self.init(data: MappedData.open(path), name: path)
    }

    /// Bytes already in memory (fuzzing, tests); `name` is used in errors.
    public init(bytes: [UInt8], name: String) throws(ColumnarError) {
        try self.init(data: Data(bytes), name: name)
    }

    private init(data: Data, name: String) throws(ColumnarError) {
        self.path = name
        self.data = data
        let size = data.count
        let magic: [UInt8] = Array("PAR1".utf8)
        guard size >= 12 else { throw ColumnarError("not a Parquet file: \(size) bytes is too short", file: name, offset: 0) }
        guard data.prefix(4).elementsEqual(magic), data.suffix(4).elementsEqual(magic) else {
            throw ColumnarError("not a Parquet file: the PAR1 magic is missing", file: name, offset: data.prefix(4).elementsEqual(magic) ? size - 4 : 0,
                                hint: "an encrypted footer (PARE) is not supported; a truncated download also ends this way")
        }
        let lengthAt = size - 8
        let footerLength = data.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: lengthAt, as: UInt32.self))) }
        guard footerLength <= size - 12 else {
            throw ColumnarError("a footer of \(footerLength) bytes in a file of \(size)", file: name, offset: lengthAt)
        }
        let start = lengthAt - footerLength
        let parsed: Result<FileMetaData, ColumnarError> = data.withUnsafeBytes { raw in
            var reader = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: raw[start..<lengthAt]), base: start, file: name)
            do throws(ColumnarError) { return .success(try FileMetaData(&reader)) } catch { return .failure(error) }
        }
        footer = try parsed.get()
        footerStart = start
        schema = try ParquetSchema(footer.schema, file: name)
        columns = schema.columns.map(\.name)
        createdBy = footer.createdBy
        rowCount = Int(clamping: footer.numRows)
        for (key, value) in footer.keyValues { metadata[key] = value }
    }

    public func forEachBatch(_ body: (RowBatch) throws -> Void) throws {
        for index in footer.rowGroups.indices {
            try body(try readRowGroup(index))
        }
    }

    /// One row group's rows.
    public func readRowGroup(_ index: Int) throws(ColumnarError) -> RowBatch {
        let group = footer.rowGroups[index]
        guard group.columns.count == schema.leaves.count else {
            throw ColumnarError("row group \(index) has \(group.columns.count) columns where the schema has \(schema.leaves.count)", file: path)
        }
        guard group.numRows >= 0 else { throw ColumnarError("row group \(index) has \(group.numRows) rows", file: path) }
        let leaves: Result<[LeafData], ColumnarError> = data.withUnsafeBytes { raw in
            do throws(ColumnarError) {
                var leaves: [LeafData] = []
                for (leaf, chunk) in zip(schema.leaves, group.columns) {
                    guard let meta = chunk.metaData else {
                        throw ColumnarError("a column chunk without metadata", file: path, column: leaf.name)
                    }
                    if let physical = PhysicalType(rawValue: meta.type), physical != leaf.physical {
                        throw ColumnarError("a column chunk of type \(physical) where the schema says \(leaf.physical)", file: path, column: leaf.name)
                    }
                    let reader = ColumnChunkReader(file: path, bytes: raw, dataEnd: footerStart, leaf: leaf)
                    leaves.append(try reader.read(meta))
                }
                return .success(leaves)
            } catch {
                return .failure(error)
            }
        }
        var assembler = RecordAssembler(file: path, schema: schema, leaves: try leaves.get())
        return RowBatch(columns: columns, rows: try assembler.rows(Int(clamping: group.numRows)))
    }
}
