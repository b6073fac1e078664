import Foundation
public import ConcordFederation

/// The screening phase of a domain-aware job: the pool goes out as the artifact "screening", each
/// partner's domain distances come back as screening payloads.
extension Chunking {
    /// Splits a screening into chunks (abstention flags are sent only where a chunk has one).
    public static func screeningChunks(_ screening: Screening,
                                       perChunk: Int = WireLimits.moleculesPerChunk) -> [Concord_V2_ScreeningPayload] {
        let n = screening.distances.count
        let total = chunkCount(n, perChunk: perChunk)
        let abstained = screening.abstained.isEmpty ? [Bool](repeating: false, count: n) : screening.abstained
        let whole = Digests.screening(distances: screening.distances[...], abstained: abstained[...])
        return (0..<total).map { index in
            let lower = min(n, index * perChunk), upper = min(n, lower + perChunk)
            var chunk = Concord_V2_ScreeningPayload()
            chunk.index = UInt32(index)
            chunk.offset = UInt32(lower)
            chunk.domainDistances = Array(screening.distances[lower..<upper])
            let flags = abstained[lower..<upper]
            if flags.contains(true) { chunk.abstained = Array(flags) }
            chunk.sha256 = Digests.screening(distances: chunk.domainDistances[...], abstained: flags)
            chunk.totalChunks = UInt32(total)
            chunk.screeningSha256 = whole
            return chunk
        }
    }

    /// Checks a screening chunk from a partner: position, lengths, value ranges and digest.
    /// - Parameter poolSize: molecules in the job's screening pool.
    /// - Throws: ``WireError`` naming the chunk and the fault.
    public static func validate(_ chunk: Concord_V2_ScreeningPayload, poolSize: Int,
                                perChunk: Int = WireLimits.moleculesPerChunk) throws(WireError) {
        let total = chunkCount(poolSize, perChunk: perChunk)
        let name = "screening chunk \(chunk.index)"
        guard Int(chunk.totalChunks) == total else { throw .inconsistent("\(name) says \(chunk.totalChunks) chunks; the pool makes \(total)") }
        guard Int(chunk.index) < total else { throw .invalidField("\(name): index beyond the last chunk (\(total - 1))") }
        guard Int(chunk.offset) == Int(chunk.index) * perChunk else {
            throw .inconsistent("\(name) starts at \(chunk.offset), expected \(Int(chunk.index) * perChunk)")
        }
        let expected = min(perChunk, poolSize - Int(chunk.offset))
        guard chunk.domainDistances.count == expected else {
            throw .inconsistent("\(name) has \(chunk.domainDistances.count) domain distances, expected \(expected)")
        }
        guard chunk.abstained.isEmpty || chunk.abstained.count == expected else {
            throw .inconsistent("\(name) has \(chunk.abstained.count) abstention flags, expected 0 or \(expected)")
        }
        if let bad = chunk.domainDistances.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw .invalidField("\(name), molecule \(Int(chunk.offset) + bad): domain distance \(chunk.domainDistances[bad]) is not a finite non-negative number")
        }
        guard chunk.sha256.count == 32, chunk.screeningSha256.count == 32 else { throw .invalidField("\(name): digests must be 32 bytes") }
        let flags = chunk.abstained.isEmpty ? [Bool](repeating: false, count: expected)[...] : chunk.abstained[...]
        guard Digests.screening(distances: chunk.domainDistances[...], abstained: flags) == chunk.sha256 else {
            throw .digestMismatch(name)
        }
    }

    /// Reassembles a partner's screening from all its chunks (any order, each index once).
    /// - Throws: ``WireError`` when a chunk is missing or the whole screening's digest fails.
    public static func assemble(partner: String, screeningChunks chunks: [Concord_V2_ScreeningPayload], poolSize: Int,
                                perChunk: Int = WireLimits.moleculesPerChunk) throws(WireError) -> Screening {
        let total = chunkCount(poolSize, perChunk: perChunk)
        var byIndex = [Concord_V2_ScreeningPayload?](repeating: nil, count: total)
        for chunk in chunks where Int(chunk.index) < total { byIndex[Int(chunk.index)] = chunk }
        var d = [Double](), a = [Bool]()
        d.reserveCapacity(poolSize); a.reserveCapacity(poolSize)
        var digest: Data?
        for (i, chunk) in byIndex.enumerated() {
            guard let chunk else { throw .inconsistent("\(partner): screening chunk \(i) is missing") }
            if let digest, digest != chunk.screeningSha256 { throw .inconsistent("\(partner): chunks of two different screenings") }
            digest = chunk.screeningSha256
            d += chunk.domainDistances
            a += chunk.abstained.isEmpty ? [Bool](repeating: false, count: chunk.domainDistances.count) : chunk.abstained
        }
        guard d.count == poolSize else { throw .inconsistent("\(partner): \(d.count) screened molecules, expected \(poolSize)") }
        guard Digests.screening(distances: d[...], abstained: a[...]) == digest else {
            throw .digestMismatch("\(partner): the whole screening")
        }
        return Screening(partner: partner, distances: d, abstained: a.contains(true) ? a : [])
    }
}
