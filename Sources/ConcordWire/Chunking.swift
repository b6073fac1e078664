public import Foundation
public import ConcordFederation

/// Splitting payloads into protocol chunks and checking chunks as they arrive.
///
/// Pure functions: the coordinator and the node call them on both sides of the wire, and the
/// tests call them without a network.
public enum Chunking {
    /// How many chunks `count` items make at `perChunk` items per chunk (at least one).
    public static func chunkCount(_ count: Int, perChunk: Int = WireLimits.moleculesPerChunk) -> Int {
        max(1, (count + perChunk - 1) / perChunk)
    }

    // MARK: Transfer set

    /// The transfer set's chunk `index`.
    public static func transferChunk(jobID: String, smiles: [String], index: Int, transferDigest: Data,
                                     perChunk: Int = WireLimits.moleculesPerChunk) -> Concord_V1_TransferChunk {
        let lower = min(smiles.count, index * perChunk), upper = min(smiles.count, lower + perChunk)
        var chunk = Concord_V1_TransferChunk()
        chunk.jobID = jobID
        chunk.index = UInt32(index)
        chunk.offset = UInt32(lower)
        chunk.smiles = Array(smiles[lower..<upper])
        chunk.sha256 = Digests.smiles(chunk.smiles)
        chunk.totalChunks = UInt32(chunkCount(smiles.count, perChunk: perChunk))
        chunk.transferSha256 = transferDigest
        return chunk
    }

    /// Checks a received transfer chunk against the job's view of the transfer set.
    /// - Throws: ``WireError`` naming what is wrong.
    public static func validate(_ chunk: Concord_V1_TransferChunk, job: Concord_V1_JobView) throws(WireError) {
        try validate(chunk, jobID: job.jobID, size: Int(job.transferSize), chunks: Int(job.transferChunks), chunkSize: Int(job.chunkSize),
                     digest: job.transferSha256, name: "transfer")
    }

    /// Checks a received chunk of SMILES (a transfer set's or a screening pool's) against what the job view states.
    /// - Throws: ``WireError`` naming what is wrong.
    static func validate(_ chunk: Concord_V1_TransferChunk, jobID: String, size: Int, chunks: Int, chunkSize per: Int,
                         digest: Data, name: String) throws(WireError) {
        guard chunk.jobID == jobID else { throw .inconsistent("\(name) chunk for job \(chunk.jobID), expected \(jobID)") }
        guard chunk.index < chunks, chunk.totalChunks == chunks else {
            throw .inconsistent("\(name) chunk \(chunk.index) of \(chunk.totalChunks); the job has \(chunks)")
        }
        guard Int(chunk.offset) == Int(chunk.index) * per else {
            throw .inconsistent("\(name) chunk \(chunk.index) starts at \(chunk.offset), expected \(Int(chunk.index) * per)")
        }
        let expected = min(per, size - Int(chunk.offset))
        guard chunk.smiles.count == expected else {
            throw .inconsistent("\(name) chunk \(chunk.index) has \(chunk.smiles.count) molecules, expected \(expected)")
        }
        if let long = chunk.smiles.firstIndex(where: { $0.utf8.count > WireLimits.maxSMILESLength }) {
            throw .tooLarge("\(name) chunk \(chunk.index), molecule \(long): SMILES longer than \(WireLimits.maxSMILESLength) bytes")
        }
        guard chunk.transferSha256 == digest else { throw .digestMismatch("\(name) chunk \(chunk.index) belongs to another \(name == "transfer" ? "transfer set" : name)") }
        guard Digests.smiles(chunk.smiles) == chunk.sha256 else { throw .digestMismatch("\(name) chunk \(chunk.index)") }
    }

    // MARK: Annotations

    /// Splits an annotation into chunks (abstention flags are sent only where a chunk has one).
    public static func annotationChunks(jobID: String, annotation: Annotation,
                                        perChunk: Int = WireLimits.moleculesPerChunk) -> [Concord_V1_AnnotationChunk] {
        let n = annotation.probabilities.count
        let total = chunkCount(n, perChunk: perChunk)
        let abstained = annotation.abstained.isEmpty ? [Bool](repeating: false, count: n) : annotation.abstained
        let whole = Digests.annotation(probabilities: annotation.probabilities[...], distances: annotation.domainDistances[...],
                                       abstained: abstained[...])
        return (0..<total).map { index in
            let lower = min(n, index * perChunk), upper = min(n, lower + perChunk)
            var chunk = Concord_V1_AnnotationChunk()
            chunk.jobID = jobID
            chunk.index = UInt32(index)
            chunk.offset = UInt32(lower)
            chunk.probabilities = Array(annotation.probabilities[lower..<upper])
            chunk.domainDistances = Array(annotation.domainDistances[lower..<upper])
            let flags = abstained[lower..<upper]
            if flags.contains(true) { chunk.abstained = Array(flags) }
            chunk.sha256 = Digests.annotation(probabilities: chunk.probabilities[...], distances: chunk.domainDistances[...],
                                              abstained: flags)
            chunk.totalChunks = UInt32(total)
            chunk.annotationSha256 = whole
            if let reliability = annotation.reliability { chunk.reliability = reliability }
            return chunk
        }
    }

    /// Checks an annotation chunk from a partner: position, lengths, value ranges and digest.
    /// - Parameters:
    ///   - transferSize: molecules in the job's transfer set.
    /// - Throws: ``WireError`` naming the chunk and the fault.
    public static func validate(_ chunk: Concord_V1_AnnotationChunk, transferSize: Int,
                                perChunk: Int = WireLimits.moleculesPerChunk) throws(WireError) {
        let total = chunkCount(transferSize, perChunk: perChunk)
        let name = "annotation chunk \(chunk.index)"
        guard Int(chunk.totalChunks) == total else { throw .inconsistent("\(name) says \(chunk.totalChunks) chunks; the transfer set makes \(total)") }
        guard Int(chunk.index) < total else { throw .invalidField("\(name): index beyond the last chunk (\(total - 1))") }
        guard Int(chunk.offset) == Int(chunk.index) * perChunk else {
            throw .inconsistent("\(name) starts at \(chunk.offset), expected \(Int(chunk.index) * perChunk)")
        }
        let expected = min(perChunk, transferSize - Int(chunk.offset))
        guard chunk.probabilities.count == expected else {
            throw .inconsistent("\(name) has \(chunk.probabilities.count) probabilities, expected \(expected)")
        }
        guard chunk.domainDistances.count == expected else {
            throw .inconsistent("\(name) has \(chunk.domainDistances.count) domain distances, expected \(expected)")
        }
        guard chunk.abstained.isEmpty || chunk.abstained.count == expected else {
            throw .inconsistent("\(name) has \(chunk.abstained.count) abstention flags, expected 0 or \(expected)")
        }
        if let bad = chunk.probabilities.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw .invalidField("\(name), molecule \(Int(chunk.offset) + bad): probability \(chunk.probabilities[bad]) is not in [0, 1]")
        }
        if let bad = chunk.domainDistances.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw .invalidField("\(name), molecule \(Int(chunk.offset) + bad): domain distance \(chunk.domainDistances[bad]) is not a finite non-negative number")
        }
        if chunk.hasReliability, !(chunk.reliability >= 0 && chunk.reliability <= 1) {
            throw .invalidField("\(name): reliability \(chunk.reliability) is not a ROC-AUC in [0, 1]")
        }
        guard chunk.sha256.count == 32, chunk.annotationSha256.count == 32 else { throw .invalidField("\(name): digests must be 32 bytes") }
        let flags = chunk.abstained.isEmpty ? [Bool](repeating: false, count: expected)[...] : chunk.abstained[...]
        guard Digests.annotation(probabilities: chunk.probabilities[...], distances: chunk.domainDistances[...], abstained: flags) == chunk.sha256 else {
            throw .digestMismatch(name)
        }
    }

    /// Reassembles a partner's annotation from all its chunks (any order, each index once).
    /// - Throws: ``WireError`` when a chunk is missing or the whole annotation's digest fails.
    public static func assemble(partner: String, chunks: [Concord_V1_AnnotationChunk], transferSize: Int,
                                perChunk: Int = WireLimits.moleculesPerChunk) throws(WireError) -> Annotation {
        let total = chunkCount(transferSize, perChunk: perChunk)
        var byIndex = [Concord_V1_AnnotationChunk?](repeating: nil, count: total)
        for chunk in chunks where Int(chunk.index) < total { byIndex[Int(chunk.index)] = chunk }
        var p = [Double](), d = [Double](), a = [Bool]()
        p.reserveCapacity(transferSize); d.reserveCapacity(transferSize); a.reserveCapacity(transferSize)
        var digest: Data?
        var reliability: Double??
        for (i, chunk) in byIndex.enumerated() {
            guard let chunk else { throw .inconsistent("\(partner): annotation chunk \(i) is missing") }
            if let digest, digest != chunk.annotationSha256 { throw .inconsistent("\(partner): chunks of two different annotations") }
            digest = chunk.annotationSha256
            let stated: Double? = chunk.hasReliability ? chunk.reliability : nil
            if let reliability, reliability != stated { throw .inconsistent("\(partner): chunks state different reliabilities") }
            reliability = stated
            p += chunk.probabilities
            d += chunk.domainDistances
            a += chunk.abstained.isEmpty ? [Bool](repeating: false, count: chunk.probabilities.count) : chunk.abstained
        }
        guard p.count == transferSize else { throw .inconsistent("\(partner): \(p.count) annotated molecules, expected \(transferSize)") }
        guard Digests.annotation(probabilities: p[...], distances: d[...], abstained: a[...]) == digest else {
            throw .digestMismatch("\(partner): the whole annotation")
        }
        return Annotation(partner: partner, probabilities: p, domainDistances: d, abstained: a.contains(true) ? a : [],
                          reliability: reliability ?? nil)
    }

    // MARK: Artifacts

    /// Splits an artifact into chunks of at most ``WireLimits/artifactChunkBytes``.
    public static func artifactChunks(jobID: String, kind: Concord_V1_ArtifactKind, data: Data,
                                      perChunk: Int = WireLimits.artifactChunkBytes) -> [Concord_V1_ArtifactChunk] {
        let total = chunkCount(data.count, perChunk: perChunk)
        let whole = Digests.sha256(data)
        let bytes = [UInt8](data)
        return (0..<total).map { index in
            let lower = min(bytes.count, index * perChunk), upper = min(bytes.count, lower + perChunk)
            var chunk = Concord_V1_ArtifactChunk()
            chunk.jobID = jobID
            chunk.kind = kind
            chunk.index = UInt32(index)
            chunk.data = Data(bytes[lower..<upper])
            chunk.sha256 = Digests.sha256(chunk.data)
            chunk.totalChunks = UInt32(total)
            chunk.artifactSha256 = whole
            chunk.totalBytes = UInt64(bytes.count)
            return chunk
        }
    }

    /// Reassembles an artifact, checking every chunk's digest and the whole.
    /// - Throws: ``WireError``.
    public static func assembleArtifact(_ chunks: [Concord_V1_ArtifactChunk]) throws(WireError) -> Data {
        guard let first = chunks.first else { throw .inconsistent("no artifact chunks") }
        let total = Int(first.totalChunks)
        guard chunks.count == total else { throw .inconsistent("\(chunks.count) artifact chunks of \(total)") }
        var out = Data()
        for (i, chunk) in chunks.sorted(by: { $0.index < $1.index }).enumerated() {
            guard Int(chunk.index) == i else { throw .inconsistent("artifact chunk \(i) is missing") }
            guard Digests.sha256(chunk.data) == chunk.sha256 else { throw .digestMismatch("artifact chunk \(i)") }
            out.append(chunk.data)
        }
        guard UInt64(out.count) == first.totalBytes, Digests.sha256(out) == first.artifactSha256 else {
            throw .digestMismatch("the whole artifact")
        }
        return out
    }
}
