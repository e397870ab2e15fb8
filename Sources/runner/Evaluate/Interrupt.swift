import Dispatch
import Foundation
import Models
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM stop a run cleanly: the first cancels the running evaluation,
/// which keeps every answer already received and records the run as interrupted; a second
/// Ctrl-C quits at once.
final class Interrupt: Sendable {
    static let shared = Interrupt()

    private struct State {
        var count = 0
        var cancel: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())
    nonisolated(unsafe) private var sources: [DispatchSourceSignal] = []

    /// True once the user asked to stop; later jobs of a sweep do not start.
    var requested: Bool { state.withLock { $0.count > 0 } }

    /// Installs the handlers (once, before the first job).
    func install() {
        guard sources.isEmpty else { return }
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in self?.fire() }
            source.resume()
            sources.append(source)
        }
    }

    /// Runs `operation` so that an interrupt cancels it.
    func whileCancellable<T: Sendable>(_ operation: @escaping @Sendable () async -> T) async -> T {
        let task = Task { await operation() }
        let alreadyRequested = state.withLock { state -> Bool in
            state.cancel = { task.cancel() }
            return state.count > 0
        }
        if alreadyRequested { task.cancel() }
        let value = await task.value
        state.withLock { $0.cancel = nil }
        return value
    }

    private func fire() {
        let (count, cancel) = state.withLock { state in
            state.count += 1
            return (state.count, state.cancel)
        }
        if count == 1 {
            Output.error("\n[runner] interrupted: keeping the answers received so far (Ctrl-C again to quit at once)")
            cancel?()
        } else {
            // Quitting at once skips exit handlers: stop a managed vLLM server first.
            VLLMServers.stopAll()
            _exit(130)
        }
    }
}
