import Crypto
import CryptoExtras
import struct Foundation.Data

/// A cryptographic keystream: ChaCha20 (RFC 8439, from swift-crypto) keyed by a ``SecretSeed``,
/// read as little-endian 64-bit words.
///
/// Word `i` of the stream is the same whoever computes it and however the stream is cut, so two
/// parties that share a seed expand the same mask, and one party can expand a long mask in
/// parallel pieces (``fill(_:fromWord:)`` at any word offset).
/// - Complexity: O(n) for n words; ChaCha20 runs at several GB/s.
public struct KeyStream: Sendable {
    /// Words per 64-byte ChaCha20 block.
    public static let wordsPerBlock = 8
    /// The most words one stream yields (ChaCha20's 32-bit block counter).
    public static let maximumWords = (Int(UInt32.max) + 1) * wordsPerBlock

    private let key: SymmetricKey
    private let nonce: Insecure.ChaCha20CTR.Nonce

    /// The stream for `seed`; `stream` separates several streams under one seed (a 96-bit nonce).
    public init(seed: SecretSeed, stream: UInt64 = 0) {
        key = seed.key
        var bytes = [UInt8](repeating: 0, count: 12)
        for k in 0..<8 { bytes[k] = UInt8(truncatingIfNeeded: stream >> (8 * UInt64(k))) }
        // Twelve bytes always make a valid nonce; the fallback is unreachable.
        nonce = (try? Insecure.ChaCha20CTR.Nonce(data: bytes)) ?? Insecure.ChaCha20CTR.Nonce()
    }

    /// Fills `words` with the stream's words `first ..< first + words.count`.
    /// - Throws: ``PrivacyError`` `.invalidParameter` past ``maximumWords``, or when swift-crypto fails.
    public func fill(_ words: UnsafeMutableBufferPointer<UInt64>, fromWord first: Int) throws(PrivacyError) {
        guard first >= 0, words.count <= Self.maximumWords - first else {
            throw PrivacyError(.invalidParameter, "a keystream has at most \(Self.maximumWords) words",
                               context: .init(parameter: "words", value: Double(first) + Double(words.count)))
        }
        var done = 0
        while done < words.count {
            let position = first + done
            let block = position / Self.wordsPerBlock, skip = position % Self.wordsPerBlock
            let take = Swift.min(words.count - done, Self.chunkWords - skip)
            let blocks = (skip + take + Self.wordsPerBlock - 1) / Self.wordsPerBlock
            let out: Data
            do {
                let counter = try Insecure.ChaCha20CTR.Counter(offset: UInt32(truncatingIfNeeded: block))
                out = try Insecure.ChaCha20CTR.encrypt(Self.zeros.prefix(blocks * 64), using: key, counter: counter, nonce: nonce)
            } catch {
                throw PrivacyError(.invalidParameter, "the ChaCha20 keystream could not be expanded", cause: error)
            }
            out.withUnsafeBytes { raw in
                for k in 0..<take {
                    words[done + k] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: (skip + k) * 8, as: UInt64.self))
                }
            }
            done += take
        }
    }

    /// The stream's words `first ..< first + count`.
    /// - Throws: as ``fill(_:fromWord:)``.
    public func words(_ count: Int, fromWord first: Int = 0) throws(PrivacyError) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: Swift.max(0, count))
        var failure: PrivacyError?
        out.withUnsafeMutableBufferPointer { buffer in
            do throws(PrivacyError) { try fill(buffer, fromWord: first) } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }

    static let chunkWords = 2048
    private static let zeros = [UInt8](repeating: 0, count: chunkWords * 8)
}

/// A `RandomNumberGenerator` over a ``KeyStream``: cryptographically secure, and reproducible
/// exactly when its seed is (see ``SecretSeed/reproducible(from:label:)``).
public struct CryptographicGenerator: RandomNumberGenerator, Sendable {
    private let stream: KeyStream
    private var buffer: [UInt64] = []
    private var cursor = 0
    private var position = 0

    /// A generator over `seed`'s stream number `stream`.
    public init(seed: SecretSeed, stream: UInt64 = 0) { self.stream = KeyStream(seed: seed, stream: stream) }

    /// A generator with a fresh seed from the system (nothing about it is reproducible).
    public static func fresh() -> CryptographicGenerator { CryptographicGenerator(seed: .random()) }

    public mutating func next() -> UInt64 {
        if cursor == buffer.count {
            // A stream of 2³⁵ words outlasts any use here; should it end, the system generator takes over.
            guard let words = try? stream.words(KeyStream.chunkWords, fromWord: position) else {
                var system = SystemRandomNumberGenerator()
                return system.next()
            }
            buffer = words; cursor = 0; position += words.count
        }
        defer { cursor += 1 }
        return buffer[cursor]
    }
}
