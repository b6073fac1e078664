import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("PATE Confident-GNMax analysis")
struct GNMaxAnalysisTests {
    /// Theorem 6 in plain arithmetic (no logs), with the paper's μ₂ = σ√log(1/q), μ₁ = μ₂ + 1, for
    /// a q whose conditions hold: a second evaluation of the bound, for moderate values only.
    static func theorem6ByHand(q: Double, sigma: Double, order lambda: Double) -> Double {
        let variance = sigma * sigma
        let mu2 = sigma * (-log(q)).squareRoot(), mu1 = mu2 + 1
        let epsilon1 = mu1 / variance, epsilon2 = mu2 / variance
        let a = (1 - q) / (1 - pow(q * exp(epsilon2), (mu2 - 1) / mu2))
        let b = exp(epsilon1) / pow(q, 1 / (mu1 - 1))
        return log((1 - q) * pow(a, lambda - 1) + q * pow(b, lambda - 1)) / (lambda - 1)
    }

    /// Pr[N(0, 1) ≥ x] from erfc.
    static func tail(_ x: Double) -> Double { 0.5 * erfc(x / 2.0.squareRoot()) }

    @Test("Proposition 7's q̃ by hand: one rival is ½ erfc(gap/(2σ)), rivals add, and q̃ is capped at 1 − 1/k")
    func nonPluralityBound() {
        let two = PATEBounds.logNonPlurality(votes: [70, 180], sigma: 40)
        #expect(abs(two - log(0.5 * erfc(110.0 / 80))) <= 1e-13)
        let three = PATEBounds.logNonPlurality(votes: [200, 30, 20], sigma: 40)
        #expect(abs(three - log(0.5 * erfc(170.0 / 80) + 0.5 * erfc(180.0 / 80))) <= 1e-13)
        #expect(PATEBounds.logNonPlurality(votes: [Double](repeating: 25, count: 10), sigma: 40) == log1p(-0.1))
        #expect(PATEBounds.logNonPlurality(votes: [250], sigma: 40) == -.infinity)
        // Far beyond erfc's range the log stays finite: the leading term −gap²/(4σ²) dominates.
        let far = PATEBounds.logNonPlurality(votes: [5_000, 0], sigma: 10)
        #expect(far.isFinite && abs(far / -(5_000.0 * 5_000 / 400) - 1) < 1e-3, "\(far)")
    }

    @Test("Theorem 6's bound agrees with a plain-arithmetic evaluation where its conditions hold, capped at λ/σ²")
    func theorem6() {
        var below = 0
        for (q, sigma) in [(1e-3, 40.0), (1e-5, 40.0), (1e-2, 100.0), (1e-8, 15.0)] {
            for order in [2.0, 5.5, 10, 32] {
                let got = PATEBounds.dataDependent(logQ: log(q), variance: sigma * sigma, order: order)
                let byHand = Self.theorem6ByHand(q: q, sigma: sigma, order: order), independent = order / (sigma * sigma)
                // The plain evaluation takes the log of 1 + a small number: about 1e-16 absolute of its own rounding.
                #expect(abs(got - min(byHand, independent)) <= 1e-9 * byHand + 1e-15, "q \(q), σ \(sigma), λ \(order): \(got), by hand \(byHand)")
                if byHand < independent { below += 1 }
            }
        }
        // q = 0.01 at σ = 100 meets the conditions, yet at orders 2 and 5.5 its bound is above λ/σ²
        // (8.8e-4 against 2e-4 at order 2): the cap applies there, and only there.
        #expect(below == 14)
    }

    @Test("Votes split evenly, or a plurality count at the threshold, fall back to the data-independent bound exactly")
    func evenSplitFallsBack() throws {
        for order in RDPAccountant.defaultOrders {
            #expect(PATEBounds.gnmax(votes: [125, 125], sigma: 40, order: order) == order / 1_600)
            #expect(PATEBounds.gnmax(votes: [Double](repeating: 25, count: 10), sigma: 40, order: order) == order / 1_600)
            #expect(PATEBounds.threshold(maxVote: 200, threshold: 200, sigma: 150, order: order) == order / (2 * 150 * 150))
        }
        var analysis = try GNMaxAnalysis(thresholdSigma: 150, answerSigma: 40, threshold: 125)
        for k in 0..<100 { try analysis.record(votes: [125, 125], answered: k % 3 == 0) }
        #expect(analysis.dataDependentRDP.rdp == analysis.dataIndependentRDP.rdp)
        let (independent, dependent) = try analysis.epsilon(delta: 1e-5)
        #expect(independent == dependent && independent > 0)
    }

    @Test("The reference implementation's hand-calculated thresholds q₀ (its core_test): below q₀ the bound falls as q halves, above it stays λ/σ²")
    func referenceThresholds() {
        // −log q₀ for orders 1.1, 2.5, 32, 250 (columns) and σ 1.5, 15, 1500, 15000 (rows), as
        // tensorflow/privacy research/pate_2018/core_test.py publishes them (none for σ 1.5, λ 250).
        let negativeLogQ0: [[Double?]] = [[2.8, 2.6, 427, nil], [4.8, 4.0, 4.7, 275], [9.6, 8.8, 6.0, 4], [12, 11.2, 8.6, 6.4]]
        for (row, sigma) in [1.5, 15, 1_500, 15_000].enumerated() {
            for (column, order) in [1.1, 2.5, 32, 250].enumerated() {
                guard let n = negativeLogQ0[row][column] else { continue }
                let variance = sigma * sigma
                let halved = [0, log(2), log(4), log(8)].map { PATEBounds.dataDependent(logQ: -n - $0, variance: variance, order: order) }
                for k in 0..<3 { #expect(halved[k] > halved[k + 1], "σ \(sigma), λ \(order): \(halved)") }
                let atQ0 = PATEBounds.dataDependent(logQ: -n, variance: variance, order: order)
                for extra in [0.1, 0.2, 0.3, 0.4] {
                    let above = PATEBounds.dataDependent(logQ: log(exp(-n) + extra), variance: variance, order: order)
                    #expect(above == atQ0 || above == order / variance, "σ \(sigma), λ \(order), q₀ + \(extra): \(above), at q₀ \(atQ0)")
                    #expect(above == order / variance)
                }
            }
        }
    }

    @Test("A unanimous ensemble costs little: per query and composed, far below the data-independent figure")
    func unanimousIsCheap() throws {
        // 250 teachers, 10 classes, all for one class; T = 50, σ₁ = 20 puts the plurality 10σ₁ above the threshold.
        let votes = [0, 0, 0, 250, 0, 0, 0, 0, 0, 0] as [Double]
        let q = 9 * Self.tail(250 / (40 * 2.0.squareRoot()))
        for order in [2.0, 10, 32] {
            let got = PATEBounds.gnmax(votes: votes, sigma: 40, order: order)
            #expect(abs(got - Self.theorem6ByHand(q: q, sigma: 40, order: order)) <= 1e-9 * got)
            #expect(got < 0.1 * order / 1_600, "λ \(order): \(got)")
        }
        var analysis = try GNMaxAnalysis(thresholdSigma: 20, answerSigma: 40, threshold: 50)
        for _ in 0..<1_000 { try analysis.record(votes: votes, answered: true) }
        let (independent, dependent) = try analysis.epsilon(delta: 1e-5)
        print("1,000 unanimous answered queries (σ₁ 20, σ₂ 40, T 50): ε \(independent) data-independent, \(dependent) data-dependent")
        #expect(dependent < 0.1 * independent)
        #expect(analysis.considered == 1_000 && analysis.answered == 1_000)
        #expect(abs(analysis.expectedAnswered - 1_000 * (1 - Self.tail(10))) < 1e-9)
    }

    @Test("The data-dependent RDP falls as the plurality's margin grows, as the threshold check grows more certain, and never exceeds the data-independent bound")
    func monotone() throws {
        for order in [1.5, 2, 4, 8, 16, 32, 64, 256] {
            var last = Double.infinity
            for top in stride(from: 125.0, through: 250, by: 5) {
                let rdp = PATEBounds.gnmax(votes: [top, 250 - top], sigma: 40, order: order)
                #expect(rdp <= last && rdp <= order / 1_600 && rdp >= 0, "λ \(order), plurality \(top): \(rdp) after \(last)")
                last = rdp
            }
            for direction in [-1.0, 1.0] {
                last = .infinity
                for distance in stride(from: 0.0, through: 2_000, by: 50) {
                    let rdp = PATEBounds.threshold(maxVote: 200 + direction * distance, threshold: 200, sigma: 150, order: order)
                    #expect(rdp <= last && rdp <= order / (2 * 150 * 150) && rdp >= 0, "λ \(order), distance \(direction * distance): \(rdp) after \(last)")
                    last = rdp
                }
            }
        }
    }

    @Test("Over random histograms, the data-dependent ε is at most the data-independent one, and grows with every query")
    func dataDependentBelowIndependent() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Double(state >> 11) / Double(1 << 53) }
        var analysis = try GNMaxAnalysis(thresholdSigma: 150, answerSigma: 40, threshold: 200)
        var lastDependent = 0.0
        for _ in 0..<640 {
            // Teachers concentrated on one class, to a random degree.
            var votes = [Double](repeating: 0, count: 10)
            let favourite = Int(next() * 10), loyalty = next()
            for _ in 0..<250 { votes[next() < loyalty ? favourite : Int(next() * 10)] += 1 }
            let (answered, _) = PATEBounds.logAnswerProbabilities(maxVote: votes.max() ?? 0, threshold: 200, sigma: 150)
            try analysis.record(votes: votes, answered: next() < exp(answered))
            for (dependent, independent) in zip(analysis.dataDependentRDP.rdp, analysis.dataIndependentRDP.rdp) { #expect(dependent <= independent) }
            let (independent, dependent) = try analysis.epsilon(delta: 1e-5)
            #expect(dependent <= independent && dependent >= lastDependent)
            lastDependent = dependent
        }
        let (independent, dependent) = try analysis.epsilon(delta: 1e-5)
        let expected = try analysis.expectedDataDependentRDP.epsilon(delta: 1e-5).epsilon
        print("640 random queries, MNIST settings of the paper's Table 2: \(analysis.answered) answered (\(analysis.expectedAnswered) expected), ε \(independent) data-independent, \(dependent) data-dependent, \(expected) in expectation")
    }

    @Test("The budget check adds to what was recorded, and the query budget is the largest count within ε")
    func budget() throws {
        var analysis = try GNMaxAnalysis(thresholdSigma: 150, answerSigma: 40, threshold: 200)
        for k in 0..<10 { try analysis.record(votes: [240, 10], answered: k < 4) }
        var after = analysis
        for k in 0..<20 { try after.record(votes: [3, 100, 147], answered: k < 15) }
        // The same sums, added in another order: equal to rounding.
        let planned = try analysis.dataIndependentEpsilon(addingConsidered: 20, answered: 15, delta: 1e-5)
        #expect(abs(planned - (try after.epsilon(delta: 1e-5).dataIndependent)) <= 1e-12 * planned)
        #expect(try analysis.dataIndependentEpsilon(addingConsidered: 0, answered: 0, delta: 1e-5) == analysis.epsilon(delta: 1e-5).dataIndependent)
        for (epsilon, sigma1, sigma2) in [(2.0, 150.0, 40.0), (1.0, 500.0, 100.0), (8.0, 20.0, 10.0)] {
            let n = try GNMaxAnalysis.queryBudget(epsilon: epsilon, delta: 1e-5, thresholdSigma: sigma1, answerSigma: sigma2)
            let fresh = try GNMaxAnalysis(thresholdSigma: sigma1, answerSigma: sigma2, threshold: 0)
            #expect(n > 0)
            #expect(try fresh.dataIndependentEpsilon(addingConsidered: n, answered: n, delta: 1e-5) <= epsilon)
            #expect(try fresh.dataIndependentEpsilon(addingConsidered: n + 1, answered: n + 1, delta: 1e-5) > epsilon)
        }
        #expect(try GNMaxAnalysis.queryBudget(epsilon: 1e-3, delta: 1e-5, thresholdSigma: 1, answerSigma: 1) == 0)
        #expect(try GNMaxAnalysis.queryBudget(epsilon: 1, delta: 1e-5, thresholdSigma: 1e12, answerSigma: 1e12) == GNMaxAnalysis.queryBudgetLimit)
    }

    @Test("Calibration returns the smallest σ₂ (σ₁ at the stated ratio) whose queries fit the budget")
    func calibration() throws {
        for (epsilon, queries, ratio) in [(2.0, 640, 3.75), (1.0, 8_500, 5.0), (8.0, 100, 1.0)] {
            let (sigma1, sigma2) = try GNMaxAnalysis.calibrate(epsilon: epsilon, delta: 1e-5, queries: queries, thresholdRatio: ratio)
            print("calibrated for ε \(epsilon) at δ 1e-5, \(queries) answered queries, σ₁/σ₂ \(ratio): σ₁ \(sigma1), σ₂ \(sigma2)")
            #expect(abs(sigma1 / sigma2 - ratio) <= 1e-12 * ratio)
            let fitted = try GNMaxAnalysis(thresholdSigma: sigma1, answerSigma: sigma2, threshold: 0)
            #expect(try fitted.dataIndependentEpsilon(addingConsidered: queries, answered: queries, delta: 1e-5) <= epsilon)
            let smaller = try GNMaxAnalysis(thresholdSigma: sigma1 * (1 - 1e-6), answerSigma: sigma2 * (1 - 1e-6), threshold: 0)
            #expect(try smaller.dataIndependentEpsilon(addingConsidered: queries, answered: queries, delta: 1e-5) > epsilon)
            #expect(try GNMaxAnalysis.queryBudget(epsilon: epsilon, delta: 1e-5, thresholdSigma: sigma1, answerSigma: sigma2) >= queries)
        }
        #expect(throws: PrivacyError.self) { try GNMaxAnalysis.calibrate(epsilon: 1, delta: 1e-5, queries: 0) }
        #expect(throws: PrivacyError.self) { try GNMaxAnalysis.calibrate(epsilon: 0, delta: 1e-5, queries: 10) }
        #expect(throws: PrivacyError.self) { try GNMaxAnalysis.calibrate(epsilon: 1, delta: 1e-5, queries: 10, thresholdRatio: -1) }
    }

    @Test("One answer's data-dependent curve is what recording an answered query adds beyond recording it unanswered")
    func answerCurve() throws {
        var answered = try GNMaxAnalysis(thresholdSigma: 150, answerSigma: 40, threshold: 200)
        var declined = answered
        try answered.record(votes: [230, 15, 5], answered: true)
        try declined.record(votes: [230, 15, 5], answered: false)
        let curve = try GNMaxAnalysis.answerRDP(votes: [230, 15, 5], sigma: 40, orders: answered.orders)
        for (k, value) in curve.enumerated() {
            let added = answered.dataDependentRDP.rdp[k] - declined.dataDependentRDP.rdp[k]
            #expect(abs(value - added) <= 1e-12 * max(1, abs(added)))
            #expect(value <= answered.orders[k] / (40 * 40) * (1 + 1e-12))
        }
        #expect(try GNMaxAnalysis.answerRDP(votes: [125, 125], sigma: 40, orders: [2, 8]) == [2.0 / 1_600, 8.0 / 1_600])
        #expect(throws: PrivacyError.self) { try GNMaxAnalysis.answerRDP(votes: [], sigma: 40) }
        #expect(throws: PrivacyError.self) { try GNMaxAnalysis.answerRDP(votes: [1, -1], sigma: 40) }
        #expect(throws: PrivacyError.self) { try GNMaxAnalysis.answerRDP(votes: [1, 1], sigma: 0) }
    }

    @Test("Invalid input is refused with a clear error and records nothing")
    func refusals() throws {
        for (s1, s2, t) in [(0.0, 40.0, 200.0), (150, -1, 200), (.nan, 40, 200), (150, .infinity, 200), (150, 40, .nan)] {
            let error = #expect(throws: PrivacyError.self) { try GNMaxAnalysis(thresholdSigma: s1, answerSigma: s2, threshold: t) }
            #expect(error?.code == .invalidParameter)
        }
        var analysis = try GNMaxAnalysis(thresholdSigma: 150, answerSigma: 40, threshold: 200)
        for votes in [[], [1, -1], [.nan, 3], [.infinity, 0]] as [[Double]] {
            let error = #expect(throws: PrivacyError.self) { try analysis.record(votes: votes, answered: true) }
            #expect(error?.context.parameter == "votes")
        }
        #expect(analysis.considered == 0 && analysis.answered == 0 && analysis.dataIndependentRDP.rdp.allSatisfy { $0 == 0 })
        for delta in [0.0, 1, -1, .nan] {
            #expect(throws: PrivacyError.self) { try analysis.epsilon(delta: delta) }
            #expect(throws: PrivacyError.self) { try GNMaxAnalysis.queryBudget(epsilon: 1, delta: delta, thresholdSigma: 1, answerSigma: 1) }
        }
        #expect(throws: PrivacyError.self) { try analysis.dataIndependentEpsilon(addingConsidered: 2, answered: 3, delta: 1e-5) }
        #expect(throws: PrivacyError.self) { try analysis.dataIndependentEpsilon(addingConsidered: -1, answered: 0, delta: 1e-5) }
        #expect(throws: PrivacyError.self) { try GNMaxAnalysis.queryBudget(epsilon: -1, delta: 1e-5, thresholdSigma: 1, answerSigma: 1) }
        #expect(throws: PrivacyError.self) { try GNMaxAnalysis.queryBudget(epsilon: 1, delta: 1e-5, thresholdSigma: 0, answerSigma: 1) }
        #expect(throws: PrivacyError.self) { try GNMaxAnalysis.dataIndependentRDP(considered: 1, answered: 1, thresholdSigma: 0, answerSigma: 1) }
        #expect(throws: PrivacyError.self) { try GNMaxAnalysis.dataIndependentRDP(considered: -1, answered: 0, thresholdSigma: 1, answerSigma: 1) }
        var accountant = RDPAccountant()
        #expect(throws: PrivacyError.self) { try accountant.compose(rdp: [1, 2]) }
        #expect(throws: PrivacyError.self) { try accountant.compose(rdp: [Double](repeating: -1, count: accountant.orders.count)) }
        #expect(throws: PrivacyError.self) { try accountant.compose(rdp: [Double](repeating: 1, count: accountant.orders.count), count: -1) }
    }
}
