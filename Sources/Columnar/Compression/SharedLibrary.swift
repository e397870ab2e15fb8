#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A C library opened with `dlopen` the first time a codec needs it, as libcurl and libpq are
/// elsewhere in the runner: nothing is linked, and a machine without the library can still read
/// files that do not use its codec.
struct SharedLibrary: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// Why a library could not be used: which file is missing and the Debian package with it.
    struct Missing: Error, Sendable {
        var message: String
        var hint: String
    }

    /// Opens the first of `names` that loads.
    static func open(_ names: [String], package: String) -> Result<SharedLibrary, Missing> {
        guard let handle = names.lazy.compactMap({ name in dlopen(name, RTLD_NOW | RTLD_LOCAL) }).first else {
            return .failure(Missing(message: "\(names[0]) is not installed",
                                    hint: "install it (Debian: apt-get install \(package))"))
        }
        return .success(SharedLibrary(handle: handle))
    }

    /// A function of the library as the Swift function type `T` (a `@convention(c)` type).
    func symbol<T>(_ name: String, as _: T.Type) -> T? {
        dlsym(handle, name).map { unsafeBitCast($0, to: T.self) }
    }

    /// The loaded library's functions, or the error to report when it is missing.
    static func require<Functions>(_ loaded: Result<Functions, Missing>) throws(CodecFailure) -> Functions {
        switch loaded {
        case .success(let functions): return functions
        case .failure(let missing): throw CodecFailure(missing.message, hint: missing.hint, libraryMissing: true)
        }
    }
}
