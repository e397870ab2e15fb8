import Config
import Foundation
import Models

/// A JSON Lines dataset read in place: scanned once in chunks when the task loads, then each
/// record read back by its byte range when its item is needed.
///
/// The descriptor stays open for the run; `pread` needs no shared file position, so items
/// can be read from any thread.
final class JSONLRecordFile: Sendable {
    /// Where one record lies: its bytes, its line and its position among the file's records.
    struct Span: Sendable {
        var offset: Int64
        var length: Int32
        var line: Int32
        var number: Int32
    }

    let path: String
    let mapping: RecordMapping
    private let descriptor: Int32

    /// Opens `path`.
    ///
    /// - Throws: ``TaskError`` for a file that is missing or unreadable.
    init(path: String, mapping: RecordMapping) throws(TaskError) {
        guard FileSystem.isFile(path) else {
            throw TaskError("dataset file not found", at: path,
                            hint: "paths are relative to the folder runner is started in (\(FileSystem.currentDirectory())); set task.dataset.path")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TaskError("dataset file cannot be read", at: path, hint: "check the file's permissions") }
        if let format = BinaryFormat.detect(descriptor: descriptor) {
            close(descriptor)
            throw format.error(path)
        }
        self.path = path
        self.mapping = mapping
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }


    /// Reads every record once, in order, and hands each item to `body` with its span.
    ///
    /// The file is read 1 MiB at a time, so loading holds one chunk and one line, not the file.
    /// - Throws: ``TaskError`` naming `file:line` for a line that is not a JSON object, not
    ///   UTF-8, or lacks a required field; or what `body` throws.
    func scan(_ body: (DatasetItem, Span) throws(TaskError) -> Void) throws(TaskError) {
        let chunkSize = 1 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var carried: [UInt8] = []     // the start of a line the last chunk cut off
        var carriedOffset: Int64 = 0  // where `carried` starts in the file
        var fileOffset: Int64 = 0
        var line = 0
        var number = 0

        func take(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int64) throws(TaskError) {
            line += 1
            var start = 0, end = bytes.count
            // Editors on Windows start UTF-8 files with a byte order mark; Python's utf-8-sig drops it.
            if offset == 0, end >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let content = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if content.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 || $0 == 11 || $0 == 12 }) { return }
            guard content.count <= Int(Int32.max) else {
                throw TaskError("line is longer than 2 GiB", at: "\(path):\(line)", hint: "each line of a JSONL file must be one record")
            }
            let span = Span(offset: offset + Int64(start), length: Int32(content.count), line: Int32(truncatingIfNeeded: line),
                            number: Int32(truncatingIfNeeded: number))
            let item = try parse(content, span: span)
            number += 1
            try body(item, span)
        }

        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, chunkSize) }
            guard count >= 0 else {
                throw TaskError("dataset file cannot be read: \(String(cString: strerror(errno)))", at: path, hint: "check the file and the disk")
            }
            if count == 0 { break }
            try chunk.withUnsafeBufferPointer { (all: UnsafeBufferPointer<UInt8>) throws(TaskError) in
                let bytes = UnsafeBufferPointer(rebasing: all[0..<count])
                var lineStart = 0
                while let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                    if carried.isEmpty {
                        try take(UnsafeBufferPointer(rebasing: bytes[lineStart..<newline]), at: fileOffset + Int64(lineStart))
                    } else {
                        carried.append(contentsOf: bytes[lineStart..<newline])
                        let whole = carried
                        carried = []
                        try whole.withUnsafeBufferPointer { (p) throws(TaskError) in try take(p, at: carriedOffset) }
                    }
                    lineStart = newline + 1
                }
                if lineStart < count {
                    if carried.isEmpty { carriedOffset = fileOffset + Int64(lineStart) }
                    carried.append(contentsOf: bytes[lineStart..<count])
                }
            }
            fileOffset += Int64(count)
        }
        if !carried.isEmpty {
            let last = carried
            try last.withUnsafeBufferPointer { (p) throws(TaskError) in try take(p, at: carriedOffset) }
        }
    }

    /// About how many records the file holds, judged from the first record's length: room for
    /// the spans is reserved once instead of doubling (a 100,000-item file would copy 2 MB
    /// of spans ~17 times).
    func estimatedRecordCount(firstLine: Int) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return 0 }
        return min(Int(info.st_size) / max(firstLine, 1) * 5 / 4 + 16, 1 << 26)
    }

    /// The item of one record, read again from the file.
    ///
    /// - Throws: ``TaskError`` when the bytes can no longer be read or no longer hold the record.
    func read(_ span: Span) throws(TaskError) -> DatasetItem {
        var bytes = [UInt8](repeating: 0, count: Int(span.length))
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, Int(span.length), off_t(span.offset)) }
        guard count == Int(span.length) else {
            throw TaskError("dataset file changed during the run: line \(span.line) can no longer be read", at: "\(path):\(span.line)",
                            hint: "do not edit or replace a dataset while a run reads it; run again")
        }
        do {
            return try bytes.withUnsafeBufferPointer { (p) throws(TaskError) in try parse(p, span: span) }
        } catch {
            var changed = error
            changed.message = "dataset file changed during the run: " + error.message
            changed.hint = "do not edit or replace a dataset while a run reads it; run again"
            throw changed
        }
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>, span: Span) throws(TaskError) -> DatasetItem {
        let place = "\(path):\(span.line)"
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw TaskError("dataset file is not UTF-8 text", at: place, hint: "save it as UTF-8")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(bytes))
        } catch {
            throw JSONDataError.invalidLine(Substring(decoding: bytes, as: UTF8.self), file: path, number: Int(span.line))
        }
        guard case .object(let record) = value else {
            throw TaskError("line is a JSON \(Self.kind(value)), not an object", at: place,
                            hint: "each line of a JSONL file must be one JSON object, like {\"question\": ..., \"answer\": ...}")
        }
        return try mapping.item(from: record, number: Int(span.number), place: place)
    }

    private static func kind(_ value: JSONValue) -> String {
        switch value {
        case .array: return "array"
        case .string: return "string"
        case .null: return "null"
        case .bool: return "boolean"
        default: return "number"
        }
    }
}
