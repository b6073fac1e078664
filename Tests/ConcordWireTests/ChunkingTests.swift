import ConcordFederation
import ConcordChem
import ConcordML
import Foundation
import Testing
@testable import ConcordWire

@Suite("Chunking and validation")
struct ChunkingTests {
    func annotation(_ n: Int, abstainAt: Set<Int> = []) -> Annotation {
        Annotation(partner: "p", probabilities: (0..<n).map { Double($0 % 97) / 96 }, domainDistances: (0..<n).map { Double($0 % 13) * 0.5 },
                   abstained: abstainAt.isEmpty ? [] : (0..<n).map { abstainAt.contains($0) })
    }

    @Test func annotationsSurviveChunkingInAnyOrder() throws {
        let original = annotation(10_000, abstainAt: [5, 9_999])
        let chunks = Chunking.annotationChunks(original, perChunk: 4096)
        #expect(chunks.count == 3)
        #expect(chunks.map(\.probabilities.count) == [4096, 4096, 1808])
        #expect(chunks[1].abstained.isEmpty, "a chunk without abstentions sends no flags")
        for chunk in chunks { try Chunking.validate(chunk, transferSize: 10_000, perChunk: 4096) }
        let back = try Chunking.assemble(partner: "p", chunks: chunks.reversed(), transferSize: 10_000, perChunk: 4096)
        #expect(back.probabilities == original.probabilities)
        #expect(back.domainDistances == original.domainDistances)
        #expect(back.abstained == original.abstained)
    }

    @Test func everyKindOfDamageIsRefusedWithWhatAndWhere() throws {
        let chunks = Chunking.annotationChunks(annotation(5_000), perChunk: 4096)
        func reason(_ chunk: Concord_V2_AnnotationPayload) -> String? {
            do { try Chunking.validate(chunk, transferSize: 5_000, perChunk: 4096); return nil } catch { return "\(error)" }
        }
        #expect(reason(chunks[1]) == nil)
        var c = chunks[1]; c.probabilities[2] = -0.1
        #expect(reason(c)?.contains("molecule 4098: probability -0.1 is not in [0, 1]") == true)
        c = chunks[1]; c.domainDistances[0] = .infinity
        #expect(reason(c)?.contains("domain distance inf") == true)
        c = chunks[1]; c.offset = 4000
        #expect(reason(c)?.contains("starts at 4000, expected 4096") == true)
        c = chunks[1]; c.abstained = [true]
        #expect(reason(c)?.contains("abstention flags") == true)
        c = chunks[1]; c.index = 7
        #expect(reason(c)?.contains("index beyond the last chunk") == true)
        c = chunks[1]; c.sha256 = Data(repeating: 0, count: 32)
        #expect(reason(c)?.contains("digest mismatch") == true)
        #expect(throws: WireError.self) { try Chunking.assemble(partner: "p", chunks: [chunks[0]], transferSize: 5_000, perChunk: 4096) }
    }

    @Test func aTeachersReliabilityTravelsInEveryChunkAndMustAgree() throws {
        var original = annotation(10_000)
        #expect(Chunking.annotationChunks(original, perChunk: 4096).allSatisfy { !$0.hasReliability })
        #expect(try Chunking.assemble(partner: "p", chunks: Chunking.annotationChunks(original, perChunk: 4096),
                                      transferSize: 10_000, perChunk: 4096).reliability == nil)
        original.reliability = 0.8125
        let chunks = Chunking.annotationChunks(original, perChunk: 4096)
        #expect(chunks.allSatisfy { $0.hasReliability && $0.reliability == 0.8125 })
        #expect(try Chunking.assemble(partner: "p", chunks: chunks, transferSize: 10_000, perChunk: 4096).reliability == 0.8125)
        var mixed = chunks; mixed[2].reliability = 0.9
        #expect(throws: WireError.self) { try Chunking.assemble(partner: "p", chunks: mixed, transferSize: 10_000, perChunk: 4096) }
        mixed = chunks; mixed[1].clearReliability()
        #expect(throws: WireError.self) { try Chunking.assemble(partner: "p", chunks: mixed, transferSize: 10_000, perChunk: 4096) }
        var wild = chunks[0]; wild.reliability = .nan
        #expect(throws: WireError.self) { try Chunking.validate(wild, transferSize: 10_000, perChunk: 4096) }
        wild.reliability = -0.1
        #expect(throws: WireError.self) { try Chunking.validate(wild, transferSize: 10_000, perChunk: 4096) }
    }

    @Test func screeningsSurviveChunkingAndDamageIsRefused() throws {
        let original = Screening(partner: "p", distances: (0..<10_000).map { Double($0 % 13) * 0.05 },
                                 abstained: (0..<10_000).map { $0 == 17 || $0 == 9_000 })
        let chunks = Chunking.screeningChunks(original, perChunk: 4096)
        #expect(chunks.map(\.domainDistances.count) == [4096, 4096, 1808])
        #expect(chunks[1].abstained.isEmpty, "a chunk without abstentions sends no flags")
        for chunk in chunks { try Chunking.validate(chunk, poolSize: 10_000, perChunk: 4096) }
        let back = try Chunking.assemble(partner: "p", screeningChunks: chunks.reversed(), poolSize: 10_000, perChunk: 4096)
        #expect(back == original)

        func reason(_ chunk: Concord_V2_ScreeningPayload) -> String? {
            do { try Chunking.validate(chunk, poolSize: 10_000, perChunk: 4096); return nil } catch { return "\(error)" }
        }
        var c = chunks[1]; c.domainDistances[2] = -0.5
        #expect(reason(c)?.contains("molecule 4098: domain distance -0.5") == true)
        c = chunks[1]; c.domainDistances[0] = .nan
        #expect(reason(c)?.contains("domain distance nan") == true)
        c = chunks[1]; c.domainDistances.removeLast()
        #expect(reason(c)?.contains("4095 domain distances, expected 4096") == true)
        c = chunks[1]; c.offset = 0
        #expect(reason(c)?.contains("starts at 0, expected 4096") == true)
        c = chunks[1]; c.totalChunks = 2
        #expect(reason(c)?.contains("the pool makes 3") == true)
        c = chunks[1]; c.domainDistances[5] += 0.01
        #expect(reason(c)?.contains("digest mismatch") == true)
        #expect(throws: WireError.self) { try Chunking.assemble(partner: "p", screeningChunks: [chunks[0], chunks[2]], poolSize: 10_000, perChunk: 4096) }
        var other = original; other.distances[9_999] = 0.001
        let foreign = Chunking.screeningChunks(other, perChunk: 4096)
        #expect(throws: WireError.self) { try Chunking.assemble(partner: "p", screeningChunks: [chunks[0], chunks[1], foreign[2]], poolSize: 10_000, perChunk: 4096) }
    }

    @Test func chunksOfTwoDifferentAnnotationsDoNotAssemble() throws {
        let a = Chunking.annotationChunks(annotation(5_000), perChunk: 4096)
        var other = annotation(5_000); other.probabilities[4500] = 0.123
        let b = Chunking.annotationChunks(other, perChunk: 4096)
        #expect(throws: WireError.self) { try Chunking.assemble(partner: "p", chunks: [a[0], b[1]], transferSize: 5_000, perChunk: 4096) }
    }

    @Test("an artifact is reassembled chunk by chunk, its digests and sizes checked before anything is allocated")
    func artifactsCarryTheirDigestsAndLimits() throws {
        let data = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let parts = Chunking.artifactChunks(jobID: "j", artifact: "student", data: data)
        #expect(parts.count == 3 && parts.allSatisfy { $0.artifact == "student" && $0.totalBytes == 3_000_000 })
        func assemble(_ chunks: [Concord_V2_ArtifactChunk], sha256: Data? = nil, bytes: UInt64? = nil) throws(WireError) -> Data {
            var assembler = ArtifactAssembler(name: "student", sha256: sha256, bytes: bytes)
            for chunk in chunks { try assembler.add(chunk) }
            return try assembler.finish()
        }
        #expect(try assemble(parts) == data)
        #expect(try assemble(parts, sha256: Digests.sha256(data), bytes: 3_000_000) == data)
        func reason(_ chunks: [Concord_V2_ArtifactChunk], sha256: Data? = nil, bytes: UInt64? = nil) -> String? {
            do { _ = try assemble(chunks, sha256: sha256, bytes: bytes); return nil } catch { return "\(error)" }
        }
        var corrupt = parts
        corrupt[2].data[0] ^= 1
        #expect(reason(corrupt)?.contains("student chunk 2") == true)
        #expect(reason(Array(parts.prefix(2)))?.contains("2 of 3 student chunks") == true)
        #expect(reason(parts.reversed())?.contains("arrived where chunk 0 was expected") == true)
        #expect(reason(parts, sha256: Data(repeating: 1, count: 32), bytes: 3_000_000)?.contains("not the artifact the job view announced") == true)
        var huge = parts[0]
        huge.totalBytes = UInt64(WireLimits.maxArtifactBytes) + 1
        #expect(reason([huge])?.contains("announces \(WireLimits.maxArtifactBytes + 1) bytes") == true, "an oversized artifact is refused before memory is reserved for it")
        var lying = parts[1]
        lying.artifactSha256 = Data(repeating: 2, count: 32)
        #expect(reason([parts[0], lying])?.contains("describes a different artifact than chunk 0") == true)
        let empty = Chunking.artifactChunks(jobID: "j", artifact: "transfer", data: Data())
        #expect(try assemble(empty) == Data())
    }
}

@Suite("Conversions and the student codec")
struct ConversionTests {
    @Test func metricsRoundTripAndOutOfRangeValuesAreRefused() throws {
        let m = MetricSet(n: 120, mcc: 0.41, balancedAccuracy: 0.7, rocAUC: 0.8, prAUC: nil, f1: 0.6)
        #expect(try MetricSet(wire: m.wire) == m)
        var wire = m.wire
        wire.mcc = 1.5
        #expect(throws: WireError.self) { try MetricSet(wire: wire) }
    }

    @Test func calibrationCountsMustMatchTheCandidatesAndCountTheSameMolecules() throws {
        let counts = FederatedCalibration.counts(truth: [1, 0, 1, 0, 0], probabilities: [0.9, 0.2, 0.4, 0.6, 0.1])
        let wire = counts.wire
        #expect(try ThresholdCounts(wire: wire, expected: FederatedCalibration.grid) == counts)
        #expect(throws: WireError.self) { try ThresholdCounts(wire: wire, expected: [0.5]) }
        var uneven = wire
        uneven.counts[3].tp += 1
        #expect(throws: WireError.self) { try ThresholdCounts(wire: uneven, expected: FederatedCalibration.grid) }
        // The same total but another number of actives at one threshold.
        var actives = wire
        actives.counts[3].tp += 1; actives.counts[3].fp -= 1
        #expect(throws: WireError.self) { try ThresholdCounts(wire: actives, expected: FederatedCalibration.grid) }
        // More molecules predicted active at a higher threshold than at a lower one: impossible when P > t decides.
        var rising = wire
        rising.counts[60].fp += 1; rising.counts[60].tn -= 1
        #expect(throws: WireError.self) { try ThresholdCounts(wire: rising, expected: FederatedCalibration.grid) }
    }

    @Test func studentsOfEveryKindRoundTripAndPredictTheSame() async throws {
        var x = FingerprintMatrix(bitCount: 128)
        var labels: [UInt8] = []
        for i in 0..<60 {
            var words = [UInt64](repeating: 0, count: 2)
            words[0] = UInt64(truncatingIfNeeded: i &* 2654435761) | (i % 2 == 0 ? 1 : 0)
            words[1] = UInt64(i)
            x.append(BitFingerprint(bitCount: 128, words: words))
            labels.append(UInt8(i % 2))
        }
        let probabilities = labels.map { $0 == 1 ? 0.8 : 0.2 }
        let models: [any ProbabilisticClassifier] = [
            try await RandomForestClassifier.fit(x, labels: labels, options: ForestOptions(treeCount: 5, seed: 1)),
            RegressorClassifier(model: try await RandomForestRegressor.fit(x, targets: probabilities, options: ForestOptions(treeCount: 5, seed: 1))),
            try await TrainingRecipe(model: .logisticRegression(LogisticRegression.Options())).train(x, labels: labels, seed: 1).model,
        ]
        for model in models {
            let back = try StudentCodec.decode(try StudentCodec.encode(model))
            #expect(await back.predictProbability(x) == (await model.predictProbability(x)))
        }
        var damaged = try StudentCodec.encode(models[0])
        damaged[damaged.count / 2] ^= 0xFF
        #expect(throws: WireError.self) { try StudentCodec.decode(damaged) }
    }
}
