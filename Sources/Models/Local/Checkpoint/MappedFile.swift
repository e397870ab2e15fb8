import Foundation

/// A file mapped into memory read-only: weights are read in place, never copied whole.
final class MappedFile: @unchecked Sendable {
    // Immutable after init; the mapping is never written, so sharing it is safe.
    let path: String
    let base: UnsafeRawPointer
    let size: Int

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ModelError(.environment, "cannot open \(path): \(reason)", hint: "check the path in model.params.checkpoint_path", cause: reason)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else {
            throw ModelError(.invalidData, "\(path) is empty or unreadable", hint: "the download may have failed; fetch the file again")
        }
        size = Int(info.st_size)
        guard let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED else {
            throw ModelError(.environment, "cannot map \(path) into memory", hint: nil)
        }
        base = UnsafeRawPointer(pointer)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }

    /// The bytes at [offset, offset + count), checked against the file's end.
    func bytes(at offset: Int, count: Int, what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw ModelError(.invalidData, "\(path) is truncated or corrupt: \(what()) needs \(count) bytes at offset \(offset), and the file has \(size)",
                             hint: "the file is incomplete or corrupt; fetch it again")
        }
        return UnsafeRawBufferPointer(start: base + offset, count: count)
    }
}
