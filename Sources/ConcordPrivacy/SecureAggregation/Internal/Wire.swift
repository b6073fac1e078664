/// Fixed-width big-endian encodings for the bytes that are signed, hashed or authenticated.
enum Wire {
    static func uint32(_ value: Int) -> [UInt8] {
        let v = UInt32(truncatingIfNeeded: value)
        return [UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }

    static func uint64(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }

    static func string(_ value: String) -> [UInt8] {
        let bytes = Array(value.utf8)
        return uint32(bytes.count) + bytes
    }
}
