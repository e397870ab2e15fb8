import TestSupport
import Config
import Foundation
import Testing
@testable import Models

/// Inputs that once trapped the runner (a Swift runtime check ending the process without a
/// word): each is now one error naming the file or value.
@Suite("hostile checkpoint files and server answers")
struct HostileInputTests {
    let temporary: TemporaryDirectory
    var folder: URL { temporary.url }

    init() throws {
        temporary = try TemporaryDirectory("hostile")
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    static func ggufString(_ s: String) -> [UInt8] { le(UInt64(s.utf8.count)) + Array(s.utf8) }

    func expectModelError(_ path: String, _ fragment: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            _ = try path.hasSuffix(".safetensors") ? SafetensorsFile(path: path) as Any : GGUFFile(path: path) as Any
            Issue.record("no error for \(path)", sourceLocation: sourceLocation)
        } catch let error as ModelError {
            #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
            #expect(error.kind == .invalidData && error.userError.kind == .data, "a broken file is bad data: \(error.kind)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("not a ModelError: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("safetensors: a header length of 2^63-1, reversed offsets, a shape whose product overflows")
    func safetensors() throws {
        expectModelError(try file("huge.safetensors", Self.le(UInt64(Int64.max)) + Array("{}".utf8)), "header claims")
        expectModelError(try file("max.safetensors", Self.le(UInt64.max) + Array("{}".utf8)), "header claims")
        func withHeader(_ json: String, data: Int = 16) -> [UInt8] { Self.le(UInt64(json.utf8.count)) + Array(json.utf8) + Array(repeating: 0, count: data) }
        expectModelError(try file("reversed.safetensors", withHeader(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#)), "impossible offsets")
        expectModelError(try file("shape.safetensors", withHeader(#"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#)), "impossible offsets")
        expectModelError(try file("far.safetensors", withHeader(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775000,9223372036854775004]}}"#)), "truncated or corrupt")
    }

    @Test("GGUF: counts, dimensions and offsets beyond the file, an alignment of 0")
    func gguf() throws {
        let magic = Array("GGUF".utf8) + Self.le(UInt32(3))
        expectModelError(try file("count.gguf", magic + Self.le(UInt64.max) + Self.le(UInt64(0))), "the tensor count is")
        // One tensor whose dimension is 2^62.
        let tensor = magic + Self.le(UInt64(1)) + Self.le(UInt64(0)) + Self.ggufString("w") + Self.le(UInt32(1)) + Self.le(UInt64(1) << 62)
        expectModelError(try file("dimension.gguf", tensor + Self.le(UInt32(0)) + Self.le(UInt64(0))), "a dimension of 'w' is")
        // general.alignment = 0 (a uint32 key/value).
        let alignment = magic + Self.le(UInt64(0)) + Self.le(UInt64(1)) + Self.ggufString("general.alignment") + Self.le(UInt32(4)) + Self.le(UInt32(0))
        expectModelError(try file("alignment.gguf", alignment), "general.alignment is 0")
        // An array claiming 2^63 elements.
        let array = magic + Self.le(UInt64(0)) + Self.le(UInt64(1)) + Self.ggufString("k") + Self.le(UInt32(9)) + Self.le(UInt32(0)) + Self.le(UInt64(1) << 63)
        expectModelError(try file("array.gguf", array), "corrupt")
    }

    @Test("a server that sends 1e300 (or -1) where a token count belongs")
    func hugeNumbers() throws {
        for value in ["1e300", "-1e300", "1.5", "-7", "\"12\""] {
            let json = try JSONValue.parse(Data(#"{"choices":[{"message":{"content":"A"},"finish_reason":"stop"}],"usage":{"prompt_tokens":\#(value),"completion_tokens":1}}"#.utf8))
            let generation = try OpenAIChatModel.parse(json)
            #expect(generation.text == "A")
            #expect(generation.usage?.promptTokens ?? 0 >= 0, "\(value)")
        }
        #expect(JSONValue.double(1e300).intValue == nil)
        #expect(JSONValue.double(-0.0).intValue == 0)
    }
}
