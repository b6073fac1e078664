import ConcordML
import ConcordPrivacy
import Foundation
import Testing
@testable import ConcordClinical

@Suite("Federated differential privacy")
struct FederatedPrivacyTests {
    static func configuration(_ privacy: DifferentialPrivacyOptions, strategy: Strategy = .fedAvg, rounds: Int = 5,
                              participation: Participation = .all) throws -> FederatedTrainingConfiguration {
        var c = FederatedTrainingConfiguration(network: try DenseNetwork.logisticRegression(inputs: 3), strategy: strategy, rounds: rounds, learningRate: 0.05, batchSize: 16,
                                               seed: 11, participation: participation)
        c.privacy = privacy
        return c
    }

    @Test("record level: each site's ε meets the target and is the accountant's figure for its multiplier, lot rate and steps")
    func recordAccount() async throws {
        let data = try SyntheticFederation(seed: 2)
        let result = try await FederatedTraining.run(sites: data.sites, configuration: try Self.configuration(.init(mode: .record, epsilon: 2, delta: 1e-3, lotSize: 16)))
        let account = try #require(result.privacy)
        #expect(account.mode == "record" && account.accountant == "rdp" && account.reproducibleNoise)
        #expect(account.sites.count == 4)
        for (site, data) in zip(account.sites, data.sites) {
            let rows = data.trainingInputs.rows
            #expect(site.rows == rows && site.rounds == 5)
            #expect(abs(site.samplingRate - 16 / Double(rows)) < 1e-15)
            #expect(site.steps == 5 * Int((Double(rows) / 16).rounded()))
            #expect(site.epsilon <= 2 && site.epsilon > 1.98, "\(site)")
            #expect(site.epsilon == (try NoiseCalibration.epsilon(noiseMultiplier: site.noiseMultiplier, delta: 1e-3, samplingRate: site.samplingRate, steps: site.steps)))
        }
        #expect(account.epsilon == account.sites.map(\.epsilon).max())
        #expect(account.noiseMultiplier == account.sites.map(\.noiseMultiplier).max())
        // The smallest site (highest sampling rate) needs the most noise.
        #expect(account.sites.min { $0.rows < $1.rows }?.noiseMultiplier == account.noiseMultiplier)
    }

    @Test("reproducible noise repeats bit for bit; system noise differs between runs; no noise without privacy", arguments: DifferentialPrivacyOptions.Mode.allCases.filter { $0 != .none })
    func reproducibility(mode: DifferentialPrivacyOptions.Mode) async throws {
        let data = try SyntheticFederation(seed: 3)
        let reproducible = DifferentialPrivacyOptions(mode: mode, epsilon: 5)
        let a = try await FederatedTraining.run(sites: data.sites, configuration: try Self.configuration(reproducible))
        let b = try await FederatedTraining.run(sites: data.sites, configuration: try Self.configuration(reproducible))
        #expect(a == b)
        var system = reproducible
        system.reproducibleNoise = false
        let c = try await FederatedTraining.run(sites: data.sites, configuration: try Self.configuration(system))
        let d = try await FederatedTraining.run(sites: data.sites, configuration: try Self.configuration(system))
        #expect(c.finalParameters != d.finalParameters && c.privacy?.reproducibleNoise == false)
        let plain = try await FederatedTraining.run(sites: data.sites, configuration: try Self.configuration(.none))
        #expect(plain.privacy == nil && plain.finalParameters != a.finalParameters)
    }

    @Test("client level: one multiplier for the coordinator, every site's weight alike, more noise at a smaller ε; partial participation charges the rounds a site is asked")
    func clientLevel() async throws {
        let data = try SyntheticFederation(seed: 4)
        let tight = try await FederatedTraining.run(sites: data.sites, configuration: try Self.configuration(.init(mode: .client, epsilon: 1, clipNorm: 0.5)))
        let loose = try await FederatedTraining.run(sites: data.sites, configuration: try Self.configuration(.init(mode: .client, epsilon: 50, clipNorm: 0.5)))
        let account = try #require(tight.privacy)
        #expect(Set(account.sites.map(\.noiseMultiplier)).count == 1 && account.sites.allSatisfy { $0.samplingRate == 1 && $0.steps == 5 })
        #expect(account.noiseMultiplier > (loose.privacy?.noiseMultiplier ?? .infinity))
        #expect(tight.rounds.allSatisfy { $0.weights.allSatisfy { abs($0 - 0.25) < 1e-15 } })
        let partial = try await FederatedTraining.run(sites: data.sites, configuration: try Self.configuration(.init(mode: .client, epsilon: 1), rounds: 8,
                                                                                                           participation: Participation(fraction: 0.5)))
        let charged = try #require(partial.privacy)
        for (s, site) in charged.sites.enumerated() {
            #expect(site.rounds == partial.rounds.filter { $0.participants.contains(s) }.count && site.steps == site.rounds)
        }
        #expect(charged.epsilon <= 1 && charged.amplifiedEpsilon.map { $0 < charged.epsilon } == true)
    }

    @Test("local level: each site meets its own ε with sensitivity 2C")
    func localLevel() async throws {
        let data = try SyntheticFederation(seed: 5)
        let targets = [2.0, 3, 4, 5]
        let result = try await FederatedTraining.run(sites: data.sites, configuration: try Self.configuration(.init(mode: .local, clipNorm: 0.5, siteEpsilons: targets)))
        let account = try #require(result.privacy)
        #expect(account.sensitivity == 1)
        for (site, target) in zip(account.sites, targets) { #expect(site.epsilon <= target && site.epsilon > 0.99 * target && site.targetEpsilon == target) }
        #expect(account.epsilon == account.sites.map(\.epsilon).max())
    }

    @Test("combinations that void the guarantee are refused with the reason")
    func refusals() async throws {
        let data = try SyntheticFederation(seed: 6)
        func refusal(_ c: FederatedTrainingConfiguration) async -> String {
            do { _ = try await FederatedTraining.run(sites: data.sites, configuration: c); return "" } catch { return error.message }
        }
        #expect(await refusal(try Self.configuration(.init(mode: .client, epsilon: 1), strategy: .scaffold())).contains("Scaffold cannot run with client-level DP"))
        #expect(await refusal(try Self.configuration(.init(mode: .local, epsilon: 1), strategy: .scaffold())).contains("Scaffold cannot run with local DP"))
        #expect(await refusal(try Self.configuration(.init(mode: .client, epsilon: 1), strategy: .fedMedian)).contains("mean of the clipped updates"))
        var patience = try Self.configuration(.init(mode: .record, epsilon: 1))
        patience.patience = 3
        #expect(await refusal(patience).contains("early stopping cannot run"))
        var weighting = try Self.configuration(.init(mode: .record, epsilon: 1))
        weighting.strategy.weighting = .validationLoss(temperature: 0.1)
        #expect(await refusal(weighting).contains("validation-loss weighting"))
        #expect(await refusal(try Self.configuration(.init(mode: .record))).contains("needs a target ε or a noise multiplier"))
        #expect(await refusal(try Self.configuration(.init(mode: .record, epsilon: 1, noiseMultiplier: 1))).contains("not both"))
        #expect(await refusal(try Self.configuration(.init(mode: .record, epsilon: 1, delta: 0))).contains("δ must lie in (0, 1)"))
        #expect(await refusal(try Self.configuration(.init(mode: .local, siteEpsilons: [1, 2]))).contains("one target ε per site"))
        // Record level keeps Scaffold: its control variates derive from the DP-SGD output.
        #expect(await refusal(try Self.configuration(.init(mode: .record, epsilon: 5), strategy: .scaffold())) == "")
    }
}

