/// GPT-2's reversible map from bytes to printable Unicode characters, used by byte-level BPE:
/// printable Latin-1 bytes map to themselves, the rest to U+0100 upwards (a space becomes `Ġ`).
enum ByteLevel {
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
            if printable {
                table[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    static let scalarToByte: [Unicode.Scalar: UInt8] = {
        var map: [Unicode.Scalar: UInt8] = [:]
        for (byte, scalar) in byteToScalar.enumerated() { map[scalar] = UInt8(byte) }
        return map
    }()

    /// The byte-level form of a piece of text: one character per UTF-8 byte.
    static func encode<S: StringProtocol>(_ text: S) -> String {
        var out = String.UnicodeScalarView()
        for byte in text.utf8 { out.append(byteToScalar[Int(byte)]) }
        return String(out)
    }

    /// Back from byte-level characters to text (invalid UTF-8 becomes U+FFFD, as HF does).
    static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            if let byte = scalarToByte[scalar] {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: Array(String(scalar).utf8))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
