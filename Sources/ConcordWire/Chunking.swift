import Foundation
public import ConcordFederation
public import ConcordML

/// Splitting payloads into protocol chunks and checking chunks as they arrive.
///
/// Pure functions: the coordinator and the node call them on both sides of the wire, and the
/// tests call them without a network.
public enum Chunking {
    /// How many chunks `count` items make at `perChunk` items per chunk (at least one).
    public static func chunkCount(_ count: Int, perChunk: Int = WireLimits.moleculesPerChunk) -> Int {
        max(1, (count + perChunk - 1) / perChunk)
    }

    // MARK: Annotations

    /// Splits an annotation into chunks (abstention flags are sent only where a chunk has one).
    public static func annotationChunks(_ annotation: Annotation,
                                        perChunk: Int = WireLimits.moleculesPerChunk) -> [Concord_V2_AnnotationPayload] {
        predictionChunks(annotation.probabilities, distances: annotation.domainDistances, abstained: annotation.abstained,
                         reliability: annotation.reliability, task: .classification, perChunk: perChunk)
    }

    /// Splits a regression annotation into chunks: the predicted values travel in `values`
    /// (no probabilities, no reliability), digested in the probabilities' place.
    public static func annotationChunks(_ annotation: RegressionAnnotation,
                                        perChunk: Int = WireLimits.moleculesPerChunk) -> [Concord_V2_AnnotationPayload] {
        predictionChunks(annotation.values, distances: annotation.domainDistances, abstained: annotation.abstained,
                         reliability: nil, task: .regression, perChunk: perChunk)
    }

    private static func predictionChunks(_ predictions: [Double], distances: [Double], abstained stated: [Bool], reliability: Double?,
                                         task: ModelTask, perChunk: Int) -> [Concord_V2_AnnotationPayload] {
        let n = predictions.count
        let total = chunkCount(n, perChunk: perChunk)
        let abstained = stated.isEmpty ? [Bool](repeating: false, count: n) : stated
        let whole = Digests.annotation(probabilities: predictions[...], distances: distances[...], abstained: abstained[...])
        return (0..<total).map { index in
            let lower = min(n, index * perChunk), upper = min(n, lower + perChunk)
            var chunk = Concord_V2_AnnotationPayload()
            chunk.index = UInt32(index)
            chunk.offset = UInt32(lower)
            if task == .regression { chunk.values = Array(predictions[lower..<upper]) } else { chunk.probabilities = Array(predictions[lower..<upper]) }
            chunk.domainDistances = Array(distances[lower..<upper])
            let flags = abstained[lower..<upper]
            if flags.contains(true) { chunk.abstained = Array(flags) }
            chunk.sha256 = Digests.annotation(probabilities: predictions[lower..<upper], distances: chunk.domainDistances[...], abstained: flags)
            chunk.totalChunks = UInt32(total)
            chunk.annotationSha256 = whole
            if let reliability { chunk.reliability = reliability }
            return chunk
        }
    }

    /// The chunk's predictions for `task`: P(active) for classification, values for regression.
    static func predictions(_ chunk: Concord_V2_AnnotationPayload, _ task: ModelTask) -> [Double] {
        task == .regression ? chunk.values : chunk.probabilities
    }

    /// Checks an annotation chunk from a partner: position, lengths, value ranges and digest.
    /// - Parameters:
    ///   - transferSize: molecules in the job's transfer set.
    ///   - task: the job's task: a classification chunk carries probabilities in [0, 1] and no
    ///     values; a regression chunk carries finite values, no probabilities and no reliability.
    /// - Throws: ``WireError`` naming the chunk and the fault.
    public static func validate(_ chunk: Concord_V2_AnnotationPayload, transferSize: Int, task: ModelTask = .classification,
                                perChunk: Int = WireLimits.moleculesPerChunk) throws(WireError) {
        let total = chunkCount(transferSize, perChunk: perChunk)
        let name = "annotation chunk \(chunk.index)"
        guard Int(chunk.totalChunks) == total else { throw .inconsistent("\(name) says \(chunk.totalChunks) chunks; the transfer set makes \(total)") }
        guard Int(chunk.index) < total else { throw .invalidField("\(name): index beyond the last chunk (\(total - 1))") }
        guard Int(chunk.offset) == Int(chunk.index) * perChunk else {
            throw .inconsistent("\(name) starts at \(chunk.offset), expected \(Int(chunk.index) * perChunk)")
        }
        let expected = min(perChunk, transferSize - Int(chunk.offset))
        let regression = task == .regression
        let predictions = predictions(chunk, task), noun = regression ? "values" : "probabilities"
        guard (regression ? chunk.probabilities : chunk.values).isEmpty else {
            throw .invalidField("\(name) carries \(regression ? "probabilities" : "values"); a \(task.rawValue) job's annotation carries \(noun)")
        }
        guard predictions.count == expected else {
            throw .inconsistent("\(name) has \(predictions.count) \(noun), expected \(expected)")
        }
        guard chunk.domainDistances.count == expected else {
            throw .inconsistent("\(name) has \(chunk.domainDistances.count) domain distances, expected \(expected)")
        }
        guard chunk.abstained.isEmpty || chunk.abstained.count == expected else {
            throw .inconsistent("\(name) has \(chunk.abstained.count) abstention flags, expected 0 or \(expected)")
        }
        if regression, let bad = predictions.firstIndex(where: { !$0.isFinite }) {
            throw .invalidField("\(name), molecule \(Int(chunk.offset) + bad): value \(predictions[bad]) is not a finite number")
        }
        if !regression, let bad = predictions.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw .invalidField("\(name), molecule \(Int(chunk.offset) + bad): probability \(predictions[bad]) is not in [0, 1]")
        }
        if let bad = chunk.domainDistances.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw .invalidField("\(name), molecule \(Int(chunk.offset) + bad): domain distance \(chunk.domainDistances[bad]) is not a finite non-negative number")
        }
        if regression, chunk.hasReliability { throw .invalidField("\(name): a regression annotation carries no reliability") }
        if chunk.hasReliability, !(chunk.reliability >= 0 && chunk.reliability <= 1) {
            throw .invalidField("\(name): reliability \(chunk.reliability) is not a ROC-AUC in [0, 1]")
        }
        guard chunk.sha256.count == 32, chunk.annotationSha256.count == 32 else { throw .invalidField("\(name): digests must be 32 bytes") }
        let flags = chunk.abstained.isEmpty ? [Bool](repeating: false, count: expected)[...] : chunk.abstained[...]
        guard Digests.annotation(probabilities: predictions[...], distances: chunk.domainDistances[...], abstained: flags) == chunk.sha256 else {
            throw .digestMismatch(name)
        }
    }

    /// Reassembles a partner's annotation from all its chunks (any order, each index once).
    /// - Throws: ``WireError`` when a chunk is missing or the whole annotation's digest fails.
    public static func assemble(partner: String, chunks: [Concord_V2_AnnotationPayload], transferSize: Int,
                                perChunk: Int = WireLimits.moleculesPerChunk) throws(WireError) -> Annotation {
        let whole = try assembled(partner: partner, chunks: chunks, transferSize: transferSize, task: .classification, perChunk: perChunk)
        return Annotation(partner: partner, probabilities: whole.predictions, domainDistances: whole.distances, abstained: whole.abstained,
                          reliability: whole.reliability)
    }

    /// Reassembles a partner's regression annotation (its predicted values) from all its chunks.
    /// - Throws: ``WireError`` when a chunk is missing or the whole annotation's digest fails.
    public static func assembleRegression(partner: String, chunks: [Concord_V2_AnnotationPayload], transferSize: Int,
                                          perChunk: Int = WireLimits.moleculesPerChunk) throws(WireError) -> RegressionAnnotation {
        let whole = try assembled(partner: partner, chunks: chunks, transferSize: transferSize, task: .regression, perChunk: perChunk)
        return RegressionAnnotation(partner: partner, values: whole.predictions, domainDistances: whole.distances, abstained: whole.abstained)
    }

    private static func assembled(partner: String, chunks: [Concord_V2_AnnotationPayload], transferSize: Int, task: ModelTask,
                                  perChunk: Int) throws(WireError) -> (predictions: [Double], distances: [Double], abstained: [Bool], reliability: Double?) {
        let total = chunkCount(transferSize, perChunk: perChunk)
        var byIndex = [Concord_V2_AnnotationPayload?](repeating: nil, count: total)
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
            let predictions = predictions(chunk, task)
            p += predictions
            d += chunk.domainDistances
            a += chunk.abstained.isEmpty ? [Bool](repeating: false, count: predictions.count) : chunk.abstained
        }
        guard p.count == transferSize else { throw .inconsistent("\(partner): \(p.count) annotated molecules, expected \(transferSize)") }
        guard Digests.annotation(probabilities: p[...], distances: d[...], abstained: a[...]) == digest else {
            throw .digestMismatch("\(partner): the whole annotation")
        }
        return (p, d, a.contains(true) ? a : [], reliability ?? nil)
    }
}
