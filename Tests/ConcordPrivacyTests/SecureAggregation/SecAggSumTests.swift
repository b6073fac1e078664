import Testing
@testable import ConcordPrivacy

@Suite("Secure aggregation: the sum")
struct SecAggSumTests {
    /// Dropouts up to g − t in total (g = group size) spread over the stages: every group keeps t
    /// members. All-to-all up to 16 parties, a Harary graph of degree 12 beyond (the X25519
    /// agreements, O(n·k), dominate a debug build's time).
    @Test("The decoded sum equals the plain fixed-point sum of the survivors, with seeded dropouts at every stage",
          arguments: [2, 3, 4, 5, 7, 10, 16, 25, 40, 64, 100])
    func sumWithDropouts(parties n: Int) async throws {
        let d = n <= 16 ? 64 : 6
        let configuration = SecAggFixtures.configuration(parties: n, length: d, degree: n <= 16 ? n - 1 : 12)
        let graph = try configuration.graph()
        let inputs = SecAggFixtures.inputs(parties: n, length: d, seed: UInt64(n))
        let dropouts = SecAggFixtures.dropouts(parties: n, total: min(graph.groupSize - configuration.threshold, 6), seed: UInt64(n))
        let report = try await SecAggSimulation(configuration: configuration, inputs: inputs, dropouts: dropouts, seed: UInt64(n)).run()

        let silentBeforeUpload = (dropouts[.shareKeys] ?? []).union(dropouts[.maskedInput] ?? [])
        let survivors = (0..<n).filter { !silentBeforeUpload.contains($0) }
        #expect(report.result.included == survivors)
        #expect(report.result.values == (try SecAggFixtures.plainSum(inputs, parties: survivors)))
        #expect(report.refusals.isEmpty)
        for stage in [SecAggStage.shareKeys, .maskedInput, .consistencyCheck, .unmasking] {
            #expect(Set(report.result.dropped(at: stage)) == (dropouts[stage] ?? []), "dropouts recorded at \(stage)")
        }
    }

    @Test("A long vector (split across cores) sums exactly, and runs repeat bit for bit")
    func longVector() async throws {
        let n = 4, d = MaskExpansion.parallelThreshold + 1001
        let configuration = SecAggFixtures.configuration(parties: n, length: d)
        let inputs = SecAggFixtures.inputs(parties: n, length: d, seed: 11)
        let simulation = SecAggSimulation(configuration: configuration, inputs: inputs, dropouts: [.consistencyCheck: [2]], seed: 11)
        let report = try await simulation.run()
        #expect(report.result.values == (try SecAggFixtures.plainSum(inputs, parties: Array(0..<n))))
        #expect(try await simulation.run().result == report.result)
    }

    @Test("Parties drawing their secrets from system entropy sum exactly too")
    func systemEntropy() async throws {
        let n = 4, d = 16
        let configuration = SecAggFixtures.configuration(parties: n, length: d)
        let inputs = SecAggFixtures.inputs(parties: n, length: d, seed: 5)
        let (ids, keys, roster) = try SecAggSimulation.identities(count: n, seed: 5)
        var coordinator = try SecAggCoordinator(configuration: configuration, roster: roster)
        var parties = try (0..<n).map { try SecAggParty(configuration: configuration, roster: roster, id: ids[$0], identity: keys[$0], input: inputs[$0]) }
        for u in 0..<n { try coordinator.receive(.keys(parties[u].advertise())) }
        var result: SecAggResult?
        while result == nil {
            switch try await coordinator.closeStage() {
            case .send(let messages):
                for (u, message) in messages.sorted(by: { $0.key < $1.key }) { try coordinator.receive(try await parties[u].handle(message)) }
            case .finished(let sum): result = sum
            }
        }
        #expect(result?.values == (try SecAggFixtures.plainSum(inputs, parties: Array(0..<n))))
    }

    @Test("Masks expanded on several cores equal masks expanded on one")
    func parallelExpansion() async throws {
        let d = MaskExpansion.parallelThreshold * 2 + 17
        let terms = (0..<3).map { MaskExpansion.Term(stream: KeyStream(seed: .reproducible(from: UInt64($0), label: "t")), subtract: $0 == 1) }
        let base = (0..<d).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        var serial = base
        try MaskExpansion.apply(terms, to: &serial, offset: 0)
        #expect(try await MaskExpansion.apply(terms, to: base) == serial)
        #expect(serial != base)
        // Adding then subtracting the same masks restores the vector.
        let undone = try await MaskExpansion.apply(terms.map { .init(stream: $0.stream, subtract: !$0.subtract) }, to: serial)
        #expect(undone == base)
    }
}
