import ConcordML
import Testing
@testable import ConcordClinical

@Suite("A straggler deadline: simulated arrival times, dropped updates, refusals")
struct StragglerDeadlineTests {
    static func configuration(_ net: DenseNetwork, deadline: Double? = nil, arrivals: ArrivalTimes? = nil) -> FederatedTrainingConfiguration {
        FederatedTrainingConfiguration(network: net, rounds: 4, batchSize: 8, seed: 3, deadline: deadline, arrivalTimes: arrivals,
                                       initialParameters: net.initialParameters(seed: 1))
    }

    @Test("a site slower than the deadline is dropped every round, and the model is the one its partners train without it")
    func slowSiteDropped() async throws {
        let data = try SyntheticFederation(seed: 8, sizes: [30, 40, 50])
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        let with = try await FederatedTraining.run(sites: data.sites, configuration: Self.configuration(net, deadline: 5, arrivals: [1, 2, 9]))
        let without = try await FederatedTraining.run(sites: Array(data.sites.prefix(2)), configuration: Self.configuration(net))
        #expect(with.rounds.count == 4 && with.rounds.allSatisfy { $0.dropped == [2] && $0.weights[2] == 0 && $0.aggregated == [0, 1] })
        #expect(with.finalParameters == without.finalParameters)
        let all = try await FederatedTraining.run(sites: data.sites, configuration: Self.configuration(net))
        #expect(all.finalParameters != with.finalParameters, "the slow site's updates do move the model when they count")
    }

    @Test("a generous deadline changes nothing: the same parameters bit for bit as without a deadline")
    func generousDeadline() async throws {
        let data = try SyntheticFederation(seed: 9, sizes: [30, 40, 50])
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        let times = ArrivalTimes.simulated(work: data.sites.map(\.trainingInputs.rows), rounds: 4, seed: 3)
        let late = times.rounds.flatMap { $0 }.max() ?? 0
        let generous = try await FederatedTraining.run(sites: data.sites, configuration: Self.configuration(net, deadline: late + 1, arrivals: times))
        let none = try await FederatedTraining.run(sites: data.sites, configuration: Self.configuration(net))
        #expect(generous.finalParameters == none.finalParameters)
        #expect(generous.rounds.allSatisfy { $0.dropped.isEmpty })
    }

    @Test("a round with no update in time keeps the model and records every participant as dropped")
    func nobodyInTime() async throws {
        let data = try SyntheticFederation(seed: 10, sizes: [20, 20])
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        let result = try await FederatedTraining.run(sites: data.sites, configuration: Self.configuration(net, deadline: 1, arrivals: ArrivalTimes(rounds: [[2, 3], [0, 3], [2, 3]])))
        #expect(result.rounds.map(\.dropped) == [[0, 1], [1], [0, 1], [0, 1]], "the last list holds for later rounds")
        #expect(result.rounds[0].weights == [0, 0] && result.rounds[1].weights == [1, 0])
    }

    @Test("simulated arrival times follow each site's work, vary by round and site, and come from the seed")
    func simulated() {
        let a = ArrivalTimes.simulated(work: [100, 400, 0], rounds: 50, seed: 5)
        #expect(a == ArrivalTimes.simulated(work: [100, 400, 0], rounds: 50, seed: 5))
        #expect(a != ArrivalTimes.simulated(work: [100, 400, 0], rounds: 50, seed: 6))
        #expect(a.rounds.count == 50 && a.siteCount == 3 && a.rounds.allSatisfy { $0[2] == 0 && $0[0] > 0 })
        func median(_ s: Int) -> Double { let v = a.rounds.map { $0[s] }.sorted(); return (v[24] + v[25]) / 2 }
        // Median factor 1: the median time is near work / rowsPerSecond (1 s and 4 s), with spread between rounds.
        #expect(abs(median(0) - 1) < 0.3 && abs(median(1) - 4) < 1.2, "medians \(median(0)), \(median(1))")
        #expect(Set(a.rounds.map { $0[0] }).count == 50)
        #expect(a.sites([1]).rounds.map { $0[0] } == a.rounds.map { $0[1] } && a.time(site: 1, round: 3) == a.rounds[2][1])
    }

    @Test("refusals: a non-positive deadline, arrival times without one, negative times, the wrong number of times")
    func refusals() async throws {
        for deadline in [0, -2, Double.nan, .infinity] {
            #expect(throws: FederatedLearningError.self) { try FederatedRunOptions(deadline: deadline).validate() }
        }
        #expect(throws: FederatedLearningError.self) { try FederatedRunOptions(arrivalTimes: [1, 2]).validate() }
        #expect(throws: FederatedLearningError.self) { try FederatedRunOptions(deadline: 3, arrivalTimes: [1, -2]).validate() }
        let data = try SyntheticFederation(seed: 11, sizes: [20, 20, 20])
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        do {
            _ = try FederatedRunOptions(deadline: 3, arrivalTimes: [1, 2]).arrivalTimes(for: data.sites, Self.configuration(net))
            Issue.record("two arrival times for three sites were accepted")
        } catch {
            #expect(error.code == .lengthMismatch && error.message.contains("site0, site1, site2"), "\(error.message)")
        }
        await #expect(throws: FederatedLearningError.self) {
            try await FederatedTraining.run(sites: data.sites, configuration: Self.configuration(net, deadline: 3, arrivals: [1, 2]))
        }
        await #expect(throws: FederatedLearningError.self) {
            try await FederatedTraining.run(sites: data.sites, configuration: Self.configuration(net, deadline: 0, arrivals: [1, 2, 3]))
        }
    }
}
