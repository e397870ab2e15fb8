internal import CTorchAPI
import Foundation

/// The Torch engine, `libRunnerTorch.so`, opened on first use.
///
/// The runner does not link libtorch: a binary that does takes ~650 ms to start (PLATFORM.md),
/// longer than a whole `--cfg job`. The library is looked for in `$RUNNER_TORCH_LIBRARY`, then
/// beside the running executable (where `swift build` puts it).
struct TorchLibrary: @unchecked Sendable {
    // Function pointers into a library that stays loaded for the life of the process.
    typealias LastError = @convention(c) () -> UnsafePointer<CChar>?
    typealias SetThreads = @convention(c) (OpaquePointer?, Int32, Int32) -> Int32
    typealias ModelNew = @convention(c) (UnsafePointer<rt_llama_config>?, UnsafeMutablePointer<OpaquePointer?>?) -> Int32
    typealias SetTensor = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32, UnsafePointer<Int64>?, Int32, UnsafeRawPointer?) -> Int32
    typealias AddLoRA = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32, UnsafePointer<Int64>?, UnsafeRawPointer?,
                                        UnsafePointer<Int64>?, UnsafeRawPointer?, Double) -> Int32
    typealias Finalize = @convention(c) (OpaquePointer?, Int32) -> Int32
    typealias Free = @convention(c) (OpaquePointer?) -> Void
    typealias Decode = @convention(c) (OpaquePointer?, Int32, UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafeMutablePointer<Float>?) -> Int32
    typealias CopySlot = @convention(c) (OpaquePointer?, Int32, Int32, Int32) -> Int32
    typealias TimeProducts = @convention(c) (OpaquePointer?, Int32, Int32, Int32, UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Double>?) -> Int32
    typealias CallingThreads = @convention(c) (OpaquePointer?) -> Int32
    typealias Forward = @convention(c) (OpaquePointer?, Int32, UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?,
                                        Int32, UnsafePointer<Int32>?, UnsafeMutablePointer<Float>?) -> Int32

    let lastError: LastError
    let setThreads: SetThreads
    let modelNew: ModelNew
    let setTensor: SetTensor
    let addLoRA: AddLoRA
    let finalize: Finalize
    let free: Free
    let decode: Decode
    let copySlot: CopySlot
    let forward: Forward
    let timeProducts: TimeProducts
    let callingThreads: CallingThreads

    /// The loaded library, or the reason it could not be loaded.
    static let shared: Result<TorchLibrary, ModelError> = load()

    static func candidates() -> [String] {
        var paths: [String] = []
        if let env = ProcessInfo.processInfo.environment["RUNNER_TORCH_LIBRARY"], !env.isEmpty { paths.append(env) }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let dir = (exe as NSString).deletingLastPathComponent
            paths.append(dir + "/libRunnerTorch.so")
            // Test binaries live one level down (.build/debug/runnerPackageTests.xctest/...).
            paths.append((dir as NSString).deletingLastPathComponent + "/libRunnerTorch.so")
        }
        return paths
    }

    private static func load() -> Result<TorchLibrary, ModelError> {
        // OpenBLAS starts a thread per core; each model then says how many of them it uses
        // (rt_model_set_threads). The user's OPENBLAS_NUM_THREADS caps that.
        setenv("OPENBLAS_NUM_THREADS", String(ProcessInfo.processInfo.activeProcessorCount), 0)
        let paths = candidates()
        var reasons: [String] = []
        for path in paths where FileManager.default.fileExists(atPath: path) {
            guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
                reasons.append(String(cString: dlerror()))
                continue
            }
            func symbol<T>(_ name: String, _: T.Type) throws -> T {
                guard let pointer = dlsym(handle, name) else {
                    throw ModelError(.environment, "\(path) lacks \(name)", hint: "rebuild it: swift build --product RunnerTorch")
                }
                return unsafeBitCast(pointer, to: T.self)
            }
            do {
                return .success(TorchLibrary(
                    lastError: try symbol("rt_last_error", LastError.self), setThreads: try symbol("rt_model_set_threads", SetThreads.self),
                    modelNew: try symbol("rt_model_new", ModelNew.self), setTensor: try symbol("rt_model_set_tensor", SetTensor.self),
                    addLoRA: try symbol("rt_model_add_lora", AddLoRA.self), finalize: try symbol("rt_model_finalize", Finalize.self),
                    free: try symbol("rt_model_free", Free.self),
                    decode: try symbol("rt_decode", Decode.self), copySlot: try symbol("rt_copy_slot", CopySlot.self),
                    forward: try symbol("rt_forward", Forward.self), timeProducts: try symbol("rt_time_products", TimeProducts.self),
                    callingThreads: try symbol("rt_model_calling_threads", CallingThreads.self)))
            } catch let error as ModelError {
                return .failure(error)
            } catch {
                return .failure(ModelError(.environment, "\(error)", hint: nil))
            }
        }
        return .failure(ModelError(.environment,
                                   "the Torch engine (libRunnerTorch.so) is not available" + (reasons.isEmpty ? "" : ": \(reasons.joined(separator: "; "))"),
                                   hint: "run scripts/setup.sh (it installs libtorch-dev and builds the engine), or set RUNNER_TORCH_LIBRARY; looked in \(paths.joined(separator: ", "))"))
    }

    /// Calls `body`; a non-zero status becomes a ``ModelError`` with the engine's message.
    func check(_ status: Int32, _ what: String) throws {
        guard status != 0 else { return }
        let message = lastError().map { String(cString: $0) } ?? "unknown error"
        throw ModelError(.environment, "\(what): \(message)", hint: nil)
    }
}
