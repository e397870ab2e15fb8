import Foundation

/// Files written so that a crash never leaves half of one behind.
enum FileWriting {
    /// Writes `text` to a temporary file beside `path`, then renames it over `path`.
    static func writeAtomically(_ text: String, to path: String) throws(TaskError) {
        let temporary = path + ".tmp-\(getpid())"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, path) != 0 {
                throw TaskError.io("cannot rename \(temporary): \(String(cString: strerror(errno)))", at: path,
                                   hint: "check that the output folder is writable")
            }
        } catch let error as TaskError {
            throw error
        } catch {
            unlink(temporary)
            throw TaskError.io("cannot write file: \(error.localizedDescription)", at: path,
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

    public init(path: String) throws(TaskError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            throw TaskError.io("cannot open for writing: \(String(cString: strerror(errno)))", at: path,
                               hint: "check that the output folder exists and is writable")
        }
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
                return
            }
            if n == 0 { failure = "nothing could be written"; return }
            bytes = bytes.dropFirst(n)
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
