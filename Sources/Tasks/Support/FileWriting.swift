import Config
import Foundation

/// Files written so that a crash never leaves half of one behind.
enum FileWriting {
    /// Writes `text` to a temporary file beside `path`, then renames it over `path`.
    ///
    /// When that fails (a full disk has no room for the second copy), `fallback` is written over
    /// the file in place, which frees the old copy's blocks first: a run that could not record
    /// its results never leaves `"status": "running"` behind.
    static func writeAtomically(_ text: String, to path: String, fallback: String? = nil) throws(TaskError) {
        do throws(TaskError) {
            try writeWhole(text, to: path)
        } catch {
            if let fallback, let file = fopen(path, "wb") {
                let bytes = Array(fallback.utf8)
                let written = fwrite(bytes, 1, bytes.count, file)
                if fclose(file) != 0 || written != bytes.count { unlink(path) }
            }
            throw error
        }
    }

    private static func writeWhole(_ text: String, to path: String) throws(TaskError) {
        if let reason = FileSystem.writeWhole(Array(text.utf8), to: path) {
            throw TaskError.io("cannot write file: \(reason)", at: path,
                               hint: "check that the output folder exists and is writable, and that the disk has space")
        }
    }
}

/// Appends lines to a file, each written whole with one `write(2)`, so that a killed run
/// leaves complete lines only.
public final class LineAppender: @unchecked Sendable {
    // Only used from the evaluation's collector actor; `@unchecked` because the descriptor is
    // a plain integer owned by this object.
    private let descriptor: Int32
    public let path: String

    /// Bytes of whole lines in the file: where a failed write is cut back to.
    private var size: off_t

    public init(path: String) throws(TaskError) {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            throw TaskError.io("cannot open for writing: \(String(cString: strerror(errno)))", at: path,
                               hint: "check that the output folder exists and is writable")
        }
        let length = lseek(descriptor, 0, SEEK_END)
        size = Self.wholeLinesLength(descriptor, length: length)
        // A line left half-written by a crash or a full disk is cut off before lines are added.
        if length != size { _ = ftruncate(descriptor, size) }
    }

    /// The length up to and including the last newline of a file of `length` bytes.
    static func wholeLinesLength(_ descriptor: Int32, length: off_t) -> off_t {
        var end = length
        var byte: UInt8 = 0
        while end > 0 {
            guard pread(descriptor, &byte, 1, end - 1) == 1 else { return end }
            if byte == UInt8(ascii: "\n") { return end }
            end -= 1
        }
        return 0
    }

    /// The first write that failed (the system's reason), kept so the run can report it at the
    /// end instead of losing lines without a word.
    public private(set) var failure: String?

    public func append(_ line: String) {
        guard failure == nil else { return }
        var bytes = Array((line + "\n").utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                break
            }
            if n == 0 { failure = "nothing could be written"; break }
            bytes = bytes.dropFirst(n)
        }
        // A line that could not be written whole is taken back: the file holds whole lines only.
        if failure != nil {
            _ = ftruncate(descriptor, size)
        } else {
            size += off_t(line.utf8.count + 1)
        }
    }

    /// Throws when some line could not be written.
    public func check() throws(TaskError) {
        if let failure {
            throw TaskError.io("could not write every sample: \(failure)", at: path,
                               hint: "free space or fix permissions, then re-run: answers in the response cache are not asked again")
        }
    }

    deinit { close(descriptor) }
}
