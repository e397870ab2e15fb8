import Foundation
import FuzzTargets

// A libFuzzer entry point for every target: FUZZ_TARGET names the one to run (fuzz/run.sh sets it).
nonisolated(unsafe) var target: FuzzTarget? = nil

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if target == nil {
        let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
        guard let found = FuzzTarget.named(name) else {
            fatalError("set FUZZ_TARGET to one of: \(FuzzTarget.all.map(\.name).joined(separator: ", "))")
        }
        target = found
    }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    target!.run(bytes)
    return 0
}
