import Foundation

/// Adds and subtracts ChaCha20 masks to a vector in ℤ/2⁶⁴: the hot loop of secure aggregation.
///
/// Each mask is read chunk by chunk into one reused scratch buffer and folded into the output,
/// so nothing is allocated per element; long vectors are cut into one piece per core, each
/// piece reading its masks from its own word offset.
enum MaskExpansion {
    /// One mask: a keystream, added or subtracted.
    struct Term: Sendable {
        var stream: KeyStream
        var subtract: Bool
    }

    /// Vectors shorter than this are masked on one core.
    static let parallelThreshold = 1 << 15

    /// `base` with every term's mask added or subtracted, on all cores for long vectors.
    /// - Complexity: O(d · terms), divided among the cores.
    static func apply(_ terms: [Term], to base: [UInt64]) async throws(PrivacyError) -> [UInt64] {
        let pieces = base.count < parallelThreshold ? 1 : Swift.max(1, Swift.min(8, ProcessInfo.processInfo.activeProcessorCount))
        if pieces == 1 || terms.isEmpty {
            var out = base
            try apply(terms, to: &out, offset: 0)
            return out
        }
        let step = (base.count + pieces - 1) / pieces
        let results = await withTaskGroup(of: (Int, Result<[UInt64], PrivacyError>).self) { group in
            for piece in 0..<pieces {
                let range = (piece * step)..<Swift.min(base.count, (piece + 1) * step)
                let slice = Array(base[range])
                group.addTask {
                    var words = slice
                    do throws(PrivacyError) { try apply(terms, to: &words, offset: range.lowerBound) } catch { return (piece, .failure(error)) }
                    return (piece, .success(words))
                }
            }
            var collected = [Result<[UInt64], PrivacyError>?](repeating: nil, count: pieces)
            for await (piece, result) in group { collected[piece] = result }
            return collected
        }
        var out = [UInt64]()
        out.reserveCapacity(base.count)
        for result in results {
            switch result {
            case .success(let words): out += words
            case .failure(let error): throw error
            case nil: throw PrivacyError(.invalidParameter, "a mask expansion task did not report")
            }
        }
        return out
    }

    /// Folds every term's words `offset ..< offset + words.count` into `words`, in place.
    static func apply(_ terms: [Term], to words: inout [UInt64], offset: Int) throws(PrivacyError) {
        let chunk = KeyStream.chunkWords
        var scratch = [UInt64](repeating: 0, count: Swift.min(chunk, words.count))
        var failure: PrivacyError?
        words.withUnsafeMutableBufferPointer { out in
            scratch.withUnsafeMutableBufferPointer { buffer in
                var start = 0
                while start < out.count, failure == nil {
                    let count = Swift.min(chunk, out.count - start)
                    let piece = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
                    for term in terms {
                        do throws(PrivacyError) { try term.stream.fill(piece, fromWord: offset + start) } catch { failure = error; return }
                        if term.subtract {
                            for i in 0..<count { out[start + i] &-= piece[i] }
                        } else {
                            for i in 0..<count { out[start + i] &+= piece[i] }
                        }
                    }
                    start += count
                }
            }
        }
        if let failure { throw failure }
    }
}
