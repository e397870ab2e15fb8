/// The copies the LZ77-style block decoders (Snappy, LZ4) spend their time in, on raw memory.
///
/// Both take positions in one output buffer of `capacity` bytes; the callers have checked that
/// the copy itself fits (`position + length <= capacity`). When at least 16 bytes of slack
/// follow the copy, whole 8-byte words are moved and up to 15 bytes past the copy may be
/// written with scratch that later bytes overwrite; near the end of the buffer they go byte by
/// byte, so nothing is ever written past `capacity`.
enum ByteCopy {
    /// Slack the word-wise paths need after the copy.
    static let slack = 16

    @inline(__always)
    static func word(_ pointer: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        pointer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }

    @inline(__always)
    static func setWord(_ pointer: UnsafeMutableRawPointer, _ offset: Int, _ value: UInt64) {
        pointer.storeBytes(of: value, toByteOffset: offset, as: UInt64.self)
    }

    /// 16 bytes from `source + from` to `target + to` in one load and one store.
    @inline(__always)
    static func copy16(_ source: UnsafeRawPointer, _ from: Int, _ target: UnsafeMutableRawPointer, _ to: Int) {
        target.storeBytes(of: source.loadUnaligned(fromByteOffset: from, as: SIMD16<UInt8>.self), toByteOffset: to, as: SIMD16<UInt8>.self)
    }

    /// Copies `length` literal bytes from `source` (which has `sourceAvailable` readable bytes
    /// from there on, at least `length`) to `output + position`.
    @inline(__always)
    static func literal(from source: UnsafeRawPointer, sourceAvailable: Int, length: Int,
                        to output: UnsafeMutableRawPointer, at position: Int, capacity: Int) {
        if length <= 16 && sourceAvailable >= 16 && capacity - position >= 16 {
            copy16(source, 0, output, position)
        } else if sourceAvailable - length >= slack && capacity - position - length >= slack {
            var index = 0
            repeat {
                copy16(source, index, output, position &+ index)
                index &+= 16
            } while index < length
        } else {
            (output + position).copyMemory(from: source, byteCount: length)
        }
    }

    /// Copies `length` bytes from `distance` bytes back; when `distance < length` the copy
    /// reads bytes it has just written, which repeats the last `distance` bytes as a pattern.
    /// The caller has checked `1 <= distance <= position`.
    @inline(__always)
    static func match(in output: UnsafeMutableRawPointer, at position: Int, distance: Int, length: Int, capacity: Int) {
        let end = position + length
        var source = position - distance
        if capacity - end < slack {
            for index in 0..<length { output.storeBytes(of: output.load(fromByteOffset: source + index, as: UInt8.self), toByteOffset: position + index, as: UInt8.self) }
            return
        }
        var target = position
        if distance < 8 {
            // Double the pattern in place until it is at least a word long: each store puts
            // `target - source` correct bytes after the ones already there.
            repeat {
                setWord(output, target, word(output, source))
                target += target - source
                if target >= end { return }
            } while target - source < 8
        }
        // Now the source is at least a word behind, so each word read is already final.
        if target - source >= 16 {
            repeat {
                copy16(output, source, output, target)
                source &+= 16
                target &+= 16
            } while target < end
            return
        }
        repeat {
            setWord(output, target, word(output, source))
            source += 8
            target += 8
        } while target < end
    }
}
