import Foundation

/// A binary file format a data file may be, told by its first (and last) bytes: a Parquet or
/// Arrow file with another name is read as what it is (standard tasks) or named in the error
/// (a text loader), never refused as "not UTF-8 text".
enum BinaryFormat: String, Sendable, CaseIterable {
    case parquet
    /// Arrow's IPC file format (Feather v2): `ARROW1` and two bytes of padding.
    case arrowFile
    /// Arrow's IPC stream format, as `datasets`' `save_to_disk` writes `data-*.arrow`: each
    /// message starts with the continuation marker 0xFFFFFFFF.
    case arrowStream
    case gzip
    case zip

    /// How many bytes of the start and of the end ``detect(head:tail:)`` looks at.
    static let probeLength = 8

    /// The format whose magic bytes `head` (the file's first bytes) and `tail` (its last ones)
    /// hold, in a file of `size` bytes; nil for anything else, text included.
    ///
    /// Parquet starts and ends with `PAR1` around a 4-byte footer length at least; both ends
    /// are checked, since a CSV header may begin with those letters. The other magics cannot
    /// start a UTF-8 text file.
    static func detect(head: some Collection<UInt8>, tail: some Collection<UInt8>, size: Int) -> BinaryFormat? {
        let head = Array(head.prefix(probeLength)), tail = Array(tail.suffix(4))
        func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
        let par1 = Array("PAR1".utf8)
        if starts(par1), size >= 12, tail == par1 { return .parquet }
        if starts(Array("ARROW1".utf8) + [0, 0]) { return .arrowFile }
        if starts([0xFF, 0xFF, 0xFF, 0xFF]) { return .arrowStream }
        if starts([0x1F, 0x8B]) { return .gzip }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        return nil
    }

    /// The format detected in a whole file's bytes.
    static func detect(_ bytes: some Collection<UInt8>) -> BinaryFormat? {
        detect(head: bytes.prefix(probeLength), tail: bytes.suffix(4), size: bytes.count)
    }

    var name: String {
        switch self {
        case .parquet: return "a Parquet file"
        case .arrowFile: return "an Arrow IPC (Feather) file"
        case .arrowStream: return "an Arrow IPC stream (as datasets' save_to_disk writes)"
        case .gzip: return "gzip-compressed"
        case .zip: return "a zip archive (an .xlsx workbook is one too)"
        }
    }

    /// How to turn the file into JSON Lines.
    func conversion(_ path: String) -> String {
        let quoted = path.replacingOccurrences(of: "'", with: "\\'")
        let output = ((path as NSString).deletingPathExtension as String).replacingOccurrences(of: "'", with: "\\'") + ".jsonl"
        let write = "to_json('\(output)', orient='records', lines=True, force_ascii=False)"
        switch self {
        case .parquet:
            return "convert it to JSON Lines: python -c \"import pandas as pd; pd.read_parquet('\(quoted)').\(write)\""
        case .arrowFile:
            return "convert it to JSON Lines: python -c \"import pandas as pd; pd.read_feather('\(quoted)').\(write)\""
        case .arrowStream:
            return "convert it to JSON Lines: python -c \"from datasets import Dataset; Dataset.from_file('\(quoted)').to_pandas().\(write)\""
        case .gzip:
            return "decompress it first: gunzip -k '\(path)'"
        case .zip:
            return "extract the JSON Lines or CSV file from it (unzip '\(path)'), or save a workbook as CSV"
        }
    }

    /// The error for a data file in this format, read by a text (JSON or CSV) loader.
    func error(_ path: String) -> TaskError {
        switch self {
        case .parquet, .arrowFile, .arrowStream:
            let format = self == .parquet ? "parquet" : "arrow"
            return TaskError("data file is \(name), not text, and the task reads it as JSON or CSV", at: path,
                             hint: "read it as \(format): task.dataset.format=\(format) (an lm-eval task file: dataset_path: \(format))")
        case .gzip, .zip:
            return TaskError("data file is \(name), not text: this loader reads JSON Lines and CSV", at: path, hint: conversion(path))
        }
    }

    /// The format of the file at `path` by its first and last bytes; nil for text or when it
    /// cannot be read (the loader then says why).
    static func detect(file path: String) -> BinaryFormat? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return detect(descriptor: descriptor)
    }

    /// The format of an open file, by its first and last bytes (read with `pread`, so the
    /// file's offset is left where it was).
    static func detect(descriptor: Int32) -> BinaryFormat? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        var head = [UInt8](repeating: 0, count: min(size, probeLength))
        var tail = [UInt8](repeating: 0, count: min(size, 4))
        let headCount = head.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        let tailCount = tail.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(size - $0.count)) }
        guard headCount == head.count, tailCount == tail.count else { return nil }
        return detect(head: head, tail: tail, size: size)
    }
}
