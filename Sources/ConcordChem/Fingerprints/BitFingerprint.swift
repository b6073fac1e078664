/// A fixed-length bit vector packed into 64-bit words, used for fingerprints.
///
/// Bit `i` lives in `words[i / 64]` at bit position `i % 64` (least significant first).
/// Bits beyond ``bitCount`` in the last word are always zero.
public struct BitFingerprint: Sendable, Hashable {
    /// Number of bits.
    public let bitCount: Int
    /// The packed words; `(bitCount + 63) / 64` of them.
    public var words: [UInt64]

    /// Creates an all-zero vector of `bitCount` bits.
    @inlinable
    public init(bitCount: Int) {
        precondition(bitCount >= 0, "bitCount must be non-negative")
        self.bitCount = bitCount
        self.words = [UInt64](repeating: 0, count: (bitCount + 63) >> 6)
    }

    /// Creates a vector of `bitCount` bits with the given bits set.
    @inlinable
    public init<S: Sequence>(bitCount: Int, onBits: S) where S.Element: BinaryInteger {
        self.init(bitCount: bitCount)
        for bit in onBits { set(Int(bit)) }
    }

    /// Creates a vector from packed words. Bits at or beyond `bitCount` must be zero.
    @inlinable
    public init(bitCount: Int, words: [UInt64]) {
        precondition(words.count == (bitCount + 63) >> 6, "word count does not match bitCount")
        if bitCount & 63 != 0, let last = words.last {
            precondition(last >> UInt64(bitCount & 63) == 0, "bits set beyond bitCount")
        }
        self.bitCount = bitCount
        self.words = words
    }

    /// Number of 64-bit words.
    @inlinable public var wordCount: Int { words.count }

    /// Reads or writes bit `index`.
    @inlinable
    public subscript(index: Int) -> Bool {
        get {
            precondition(index >= 0 && index < bitCount, "bit index out of range")
            return words[index &>> 6] & (1 &<< UInt64(index & 63)) != 0
        }
        set {
            if newValue { set(index) } else { clear(index) }
        }
    }

    /// Sets bit `index`.
    @inlinable
    public mutating func set(_ index: Int) {
        precondition(index >= 0 && index < bitCount, "bit index out of range")
        words[index &>> 6] |= 1 &<< UInt64(index & 63)
    }

    /// Clears bit `index`.
    @inlinable
    public mutating func clear(_ index: Int) {
        precondition(index >= 0 && index < bitCount, "bit index out of range")
        words[index &>> 6] &= ~(1 &<< UInt64(index & 63))
    }

    /// Number of set bits.
    @inlinable
    public var popcount: Int {
        var total = 0
        for w in words { total &+= w.nonzeroBitCount }
        return total
    }

    /// Indices of the set bits in ascending order.
    @inlinable
    public var onBits: [Int] {
        var result: [Int] = []
        result.reserveCapacity(popcount)
        for (k, word) in words.enumerated() {
            var w = word
            while w != 0 {
                result.append(k &<< 6 &+ w.trailingZeroBitCount)
                w &= w &- 1
            }
        }
        return result
    }

    /// Number of bits set in both vectors.
    @inlinable
    public func intersectionCount(_ other: BitFingerprint) -> Int {
        precondition(bitCount == other.bitCount, "fingerprint lengths differ")
        var common = 0
        words.withUnsafeBufferPointer { a in
            other.words.withUnsafeBufferPointer { b in
                for k in 0..<a.count { common &+= (a[k] & b[k]).nonzeroBitCount }
            }
        }
        return common
    }

    /// Tanimoto (Jaccard) similarity `|a ∧ b| / |a ∨ b|`.
    ///
    /// Two empty vectors give 0, as RDKit's `TanimotoSimilarity` does.
    @inlinable
    public func tanimoto(_ other: BitFingerprint) -> Double {
        precondition(bitCount == other.bitCount, "fingerprint lengths differ")
        var common = 0, union = 0
        words.withUnsafeBufferPointer { a in
            other.words.withUnsafeBufferPointer { b in
                for k in 0..<a.count {
                    common &+= (a[k] & b[k]).nonzeroBitCount
                    union &+= (a[k] | b[k]).nonzeroBitCount
                }
            }
        }
        return union == 0 ? 0 : Double(common) / Double(union)
    }

    /// Hexadecimal encoding: `(bitCount + 7) / 8` bytes, byte `k` holding bits `8k ..< 8k + 8`
    /// (bit `8k` least significant), each written as two lower-case hex digits.
    public var hex: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        let byteCount = (bitCount + 7) >> 3
        var out = [UInt8]()
        out.reserveCapacity(byteCount * 2)
        for k in 0..<byteCount {
            let byte = UInt8(truncatingIfNeeded: words[k >> 3] >> UInt64((k & 7) * 8))
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes ``hex``; `nil` when the string has the wrong length, a non-hex digit, or sets
    /// bits at or beyond `bitCount`.
    public init?(hex: String, bitCount: Int) {
        let utf8 = Array(hex.utf8)
        let byteCount = (bitCount + 7) >> 3
        guard bitCount >= 0, utf8.count == byteCount * 2 else { return nil }
        func value(_ c: UInt8) -> UInt64? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(c - UInt8(ascii: "A") + 10)
            default: nil
            }
        }
        var words = [UInt64](repeating: 0, count: (bitCount + 63) >> 6)
        for k in 0..<byteCount {
            guard let hi = value(utf8[2 * k]), let lo = value(utf8[2 * k + 1]) else { return nil }
            words[k >> 3] |= (hi << 4 | lo) << UInt64((k & 7) * 8)
        }
        if bitCount & 63 != 0, let last = words.last, last >> UInt64(bitCount & 63) != 0 { return nil }
        self.bitCount = bitCount
        self.words = words
    }
}
