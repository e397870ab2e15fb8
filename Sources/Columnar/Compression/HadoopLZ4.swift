/// Parquet's deprecated LZ4 codec: what parquet-mr wrote through Hadoop's Lz4Codec, LZ4
/// blocks in Hadoop's block framing. Each frame is a big-endian 4-byte decompressed size, then
/// chunks (a big-endian 4-byte compressed size and an LZ4 block) until that many bytes are
/// decoded. Some writers (older parquet-cpp) stored a bare LZ4 block under this codec instead,
/// so, as parquet-mr and Arrow do, input that does not parse as frames is read as one block.
enum HadoopLZ4 {
    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecFailure) -> Int {
        if let written = try? framed(input, into: output), written == output.count { return written }
        do throws(CodecFailure) {
            return try LZ4Block.decompress(input, into: output)
        } catch {
            throw CodecFailure("neither Hadoop-framed LZ4 nor an LZ4 block: \(error.message)")
        }
    }

    @inline(__always)
    private static func bigEndian32(_ input: UnsafeRawBufferPointer, _ position: Int) -> Int {
        Int(UInt32(bigEndian: input.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
    }

    /// The frames, decoded in order; throws at the first thing that is not a frame.
    static func framed(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecFailure) -> Int {
        var ip = 0, op = 0
        guard input.count >= 8 else { throw .truncated(at: input.count) }
        while ip < input.count {
            guard input.count - ip >= 4 else { throw .truncated(at: ip) }
            let frameSize = bigEndian32(input, ip)
            ip += 4
            guard frameSize <= output.count - op else { throw .overflow(at: ip - 4) }
            let frameEnd = op + frameSize
            repeat {
                guard input.count - ip >= 4 else { throw .truncated(at: ip) }
                let chunkSize = bigEndian32(input, ip)
                ip += 4
                guard chunkSize > 0, chunkSize <= input.count - ip else { throw .truncated(at: ip) }
                let chunk = UnsafeRawBufferPointer(rebasing: input[ip..<(ip + chunkSize)])
                let room = UnsafeMutableRawBufferPointer(rebasing: output[op..<frameEnd])
                op += try LZ4Block.decompress(chunk, into: room)
                ip += chunkSize
            } while op < frameEnd
        }
        return op
    }
}
