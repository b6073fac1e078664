import Crypto

/// The comparison tags: the first `width` bytes of SHA-256 over a session-bound label and a
/// doubly blinded element (`a·b·H(x)`), held as a 128-bit integer for hashing and sorting.
struct PSITagger: Sendable {
    let prefix: SHA256
    let width: Int

    init(sessionDigest: [UInt8], width: Int) {
        var hasher = SHA256()
        hasher.update(data: Array("concord/psi/v1/tag".utf8) + [0])
        hasher.update(data: sessionDigest)
        prefix = hasher; self.width = width
    }

    /// The tag of the 32-byte element at `element`, written as `width` bytes to `output`.
    @inline(__always)
    func tag(_ element: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) {
        var hasher = prefix
        hasher.update(bufferPointer: UnsafeRawBufferPointer(start: element, count: Ristretto255.elementBytes))
        let digest = hasher.finalize()
        digest.withUnsafeBytes { raw in
            for i in 0..<width { output[i] = raw[i] }
        }
    }

    /// The tag at `offset` of a buffer of tags, as an integer.
    @inline(__always)
    static func key(_ tags: UnsafeBufferPointer<UInt8>, at index: Int, width: Int) -> UInt128 {
        var value: UInt128 = 0
        let start = index * width
        for i in 0..<width { value = value << 8 | UInt128(tags[start + i]) }
        return value
    }
}
