/// How a run uses its response cache (`response.cache.mode`; `off` means no store at all).
public enum CacheMode: String, Sendable {
    /// Read stored answers and store new ones; claims keep two runs from asking the same thing.
    case use
    /// Ask again and overwrite.
    case refresh
    /// Read only; never write.
    case readOnly = "read_only"

    /// Whether stored answers are read.
    var reads: Bool { self == .use || self == .readOnly }
    /// Whether new answers are written.
    var writes: Bool { self == .use || self == .refresh }
}
