public import Foundation
import Crypto

/// The canonical encodings the protocol's SHA-256 digests are computed over.
public enum Digests {
    /// SHA-256 of arbitrary bytes.
    public static func sha256<D: DataProtocol>(_ data: D) -> Data { Data(SHA256.hash(data: data)) }

    /// The digest of annotation values: per molecule, P as binary64 little-endian, the
    /// distance likewise, then one byte 1/0 for abstained. A regression annotation is digested
    /// the same way with its predicted value in P's place.
    public static func annotation(probabilities: ArraySlice<Double>, distances: ArraySlice<Double>,
                                  abstained: ArraySlice<Bool>) -> Data {
        var hasher = SHA256()
        var buffer = [UInt8]()
        buffer.reserveCapacity(17 * 1024)
        let hasAbstentions = !abstained.isEmpty
        for (i, (p, d)) in zip(probabilities, distances).enumerated() {
            withUnsafeBytes(of: p.bitPattern.littleEndian) { buffer.append(contentsOf: $0) }
            withUnsafeBytes(of: d.bitPattern.littleEndian) { buffer.append(contentsOf: $0) }
            buffer.append(hasAbstentions && abstained[abstained.startIndex + i] ? 1 : 0)
            if buffer.count >= 16 * 1024 { hasher.update(data: buffer); buffer.removeAll(keepingCapacity: true) }
        }
        hasher.update(data: buffer)
        return Data(hasher.finalize())
    }

    /// The digest of screening values: per molecule, the distance as binary64 little-endian,
    /// then one byte 1/0 for abstained.
    public static func screening(distances: ArraySlice<Double>, abstained: ArraySlice<Bool>) -> Data {
        var hasher = SHA256()
        var buffer = [UInt8]()
        buffer.reserveCapacity(17 * 1024)
        let hasAbstentions = !abstained.isEmpty
        for (i, d) in distances.enumerated() {
            withUnsafeBytes(of: d.bitPattern.littleEndian) { buffer.append(contentsOf: $0) }
            buffer.append(hasAbstentions && abstained[abstained.startIndex + i] ? 1 : 0)
            if buffer.count >= 16 * 1024 { hasher.update(data: buffer); buffer.removeAll(keepingCapacity: true) }
        }
        hasher.update(data: buffer)
        return Data(hasher.finalize())
    }

    /// Lower-case hexadecimal.
    public static func hex<D: DataProtocol>(_ data: D) -> String {
        data.map { String(format: "%02x", $0) }.joined()
    }
}
