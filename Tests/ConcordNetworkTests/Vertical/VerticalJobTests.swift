import ConcordData
import ConcordFederation
import ConcordLinkage
import ConcordML
import ConcordPrivacy
import ConcordStorage
import ConcordTesting
import ConcordVertical
import ConcordWire
import Foundation
import Logging
import Testing
@testable import ConcordNetwork

/// Vertical training as a job over the engine (in process): a PSI job with the reveal aligns the
/// rows, then the two parties train through the coordinator, which holds no key.
@Suite("Vertical job")
struct VerticalJobTests {
    /// The centre holds patients 1…200 (age, weight, outcome), the laboratory 81…260 (two counts):
    /// 120 shared. The outcome depends on both parties' columns.
    static func tables() -> [String: String] {
        var generator = CryptographicGenerator(seed: .reproducible(from: 9, label: "test.vertical.job"))
        var centre = "patient,age,weight,outcome\n", lab = "patient,cd4,cd8\n"
        var rows: [Int: (Double, Double, Double, Double)] = [:]
        for i in 1...260 {
            let x = (0..<4).map { _ in Double.random(in: -2...2, using: &generator) }
            rows[i] = (x[0], x[1], x[2], x[3])
        }
        for i in 1...200 {
            let (a, b, c, d) = rows[i] ?? (0, 0, 0, 0)
            let logit = 0.9 * a - 0.6 * b + 1.1 * c + 0.5 * d
            let y = Double.random(in: 0..<1, using: &generator) < 1 / (1 + exp(-logit)) ? 1 : 0
            centre += "P\(i),\(40 + 10 * a),\(70 + 8 * b),\(y)\n"
        }
        for i in 81...260 {
            let (_, _, c, d) = rows[i] ?? (0, 0, 0, 0)
            lab += "p\(i),\(500 + 150 * c),\(800 + 200 * d)\n"
        }
        return ["centre": centre, "lab": lab]
    }

    static func consortium(_ directory: URL) throws -> InProcessConsortium {
        var logger = Logger(label: "test.vertical")
        logger.logLevel = .warning
        return try InProcessConsortium(
            directory: directory, identifierTables: tables(), columns: ["centre": ["patient"], "lab": ["patient"]],
            vertical: ["centre": .init(features: ["age", "weight"], label: "outcome", output: directory.appending(path: "centre-model.json").path),
                       "lab": .init(features: ["cd4", "cd8"], output: directory.appending(path: "lab-model.json").path)],
            logger: logger)
    }

    static func spec(psiJob: String, iterations: UInt32 = 2, seed: UInt64 = 4, maxMessageBytes: UInt32 = 0) -> Concord_V2_JobSpec {
        var spec = Concord_V2_JobSpec()
        spec.name = "vertical"
        spec.partners = ["centre", "lab"]
        spec.seed = seed
        var vertical = Concord_V2_VerticalSpec()
        vertical.psiJob = psiJob
        vertical.labelHolder = "centre"
        vertical.iterations = iterations
        vertical.maxMessageBytes = maxMessageBytes
        spec.kind = .vertical(vertical)
        return spec
    }

    @Test("After a PSI job with the reveal, two encrypted steps through the coordinator give the joined table's model and its test ROC-AUC")
    func trainsTheJoinedModel() async throws {
        try await Self.trainAndCheck(maxMessageBytes: 0)
    }

    /// 16 KiB parts hold 31 ciphertexts of 512 bytes: each step's 84 shares go in 3 parts and the
    /// 36 test scores in 2, which the coordinator joins; the model is the same.
    @Test("With message parts of 16 KiB, a step's shares and the test scores go in parts, and the job gives the same model")
    func messagesInParts() async throws {
        let (consortium, jobID) = try await Self.trainAndCheck(maxMessageBytes: 16 << 10)
        for partner in ["centre", "lab"] {
            let shares = try await consortium.engine.store.uploadIndices(job: jobID, kind: VerticalJob.Upload.shares, partner: partner)
            #expect(shares == Array(1...6), "\(partner): \(shares)")
        }
        #expect(try await consortium.engine.store.uploadIndices(job: jobID, kind: VerticalJob.Upload.scores, partner: "lab") == [0, 1])
    }

    @discardableResult
    static func trainAndCheck(maxMessageBytes: UInt32) async throws -> (InProcessConsortium, String) {
        let temporary = try TemporaryDirectory()
        let consortium = try Self.consortium(temporary.url)
        let psi = try await consortium.run(PSIJobTests.spec(reveal: true))
        #expect(psi.status.phase == "complete", "\(psi.status.message)")
        let run = try await consortium.run(Self.spec(psiJob: psi.status.jobID, maxMessageBytes: maxMessageBytes))
        #expect(run.status.phase == "complete", "\(run.status.message)")
        let status = run.status.vertical
        #expect(status.rows == 120 && status.trainRows == 84 && status.testRows == 36 && status.iterationsDone == 2)
        #expect(run.status.latePartners.isEmpty)

        // The oracle: the same split, standardisation and descent on the joined table in the clear.
        let normaliser = IdentifierNormaliser()
        let centre = try DelimitedTable.parse(Data(Self.tables()["centre"]?.utf8 ?? "".utf8), name: "centre")
        let lab = try DelimitedTable.parse(Data(Self.tables()["lab"]?.utf8 ?? "".utf8), name: "lab")
        func byKey(_ t: DelimitedTable) -> [String: [String]] {
            Dictionary(t.rows.map { (normaliser.normalise(fields: [$0[0]]) ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        }
        let (c, l) = (byKey(centre), byKey(lab))
        let (train, test) = VerticalSplit.trainTest(shared: Array(Set(c.keys).intersection(l.keys)), seed: 4, testFraction: 0.3)
        #expect(test.count == 36)
        func block(_ keys: [String], _ rows: [String: [String]], _ columns: [Int]) throws -> FeatureBlock {
            try FeatureBlock(rows: keys.count, columns: columns.count, values: keys.flatMap { k in columns.map { Double(rows[k]?[$0] ?? "") ?? .nan } })
        }
        let aTrain = try block(train, c, [1, 2]), bTrain = try block(train, l, [1, 2])
        let (sa, sb) = (aTrain.standardisation(), bTrain.standardisation())
        let y = train.map { Double(c[$0]?[3] ?? "") ?? 0 }
        let clear = VerticalLogisticRegression.trainInTheClear(labelHolder: aTrain.standardised(sa), labels: y, featureHolder: bTrain.standardised(sb),
                                                               settings: VerticalSettings(iterations: 2))
        let centreModel = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: temporary.url.appending(path: "centre-model.json"))) as? [String: Any])
        let labModel = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: temporary.url.appending(path: "lab-model.json"))) as? [String: Any])
        let wA = try #require(centreModel["weights"] as? [Double]), wB = try #require(labModel["weights"] as? [Double])
        for (x, z) in zip(wA + wB, clear.labelHolderWeights + clear.featureHolderWeights) { #expect(abs(x - z) < 1e-7, "\(x) vs \(z)") }
        #expect(wA.count == 3 && wB.count == 2)
        let scores = VerticalLogisticRegression.scores(labelHolder: try block(test, c, [1, 2]).standardised(sa), featureHolder: try block(test, l, [1, 2]).standardised(sb), model: clear)
        let auc = try Metrics.rocAUC(truth: test.map { UInt8(Double(c[$0]?[3] ?? "") ?? 0) }, scores: scores)
        #expect(abs(status.testAuc - auc) < 1e-6, "\(status.testAuc) vs \(auc)")
        #expect(run.outcomes["centre"]?.summary.contains { $0.hasPrefix("test ROC-AUC") } == true)

        // Nothing the coordinator holds is a feature value in the clear.
        let report = String(decoding: try await consortium.engine.reportArtifact(jobID: run.status.jobID).artifact.data, as: UTF8.self)
        #expect(report.contains("Who learnt what") && report.contains("vertical logistic regression") && !report.contains("teacher"))
        return (consortium, run.status.jobID)
    }

    @Test("A vertical job whose PSI job did not reveal the intersection, or is not complete, fails with the reason; bad specs are refused")
    func refusals() async throws {
        let temporary = try TemporaryDirectory()
        let consortium = try Self.consortium(temporary.url)
        let psi = try await consortium.run(PSIJobTests.spec(reveal: false))
        let jobID = try await consortium.engine.submitJob(Self.spec(psiJob: psi.status.jobID)).jobID
        await consortium.engine.advance()
        let status = try await consortium.engine.jobStatus(jobID: jobID)
        #expect(status.phase == "failed" && status.message.contains("did not reveal"), "\(status.message)")
        let missing = try await consortium.engine.submitJob(Self.spec(psiJob: "job-none")).jobID
        await consortium.engine.advance()
        #expect(try await consortium.engine.jobStatus(jobID: missing).message.contains("no PSI job"))
        func field(_ change: (inout Concord_V2_VerticalSpec) -> Void) async -> String? {
            var spec = Self.spec(psiJob: psi.status.jobID)
            if case .vertical(var v)? = spec.kind { change(&v); spec.kind = .vertical(v) }
            do { _ = try await consortium.engine.submitJob(spec); return nil } catch { return error.context.field }
        }
        #expect(await field { $0.modulusBits = 1024 } == "modulus_bits")
        #expect(await field { $0.labelHolder = "registry" } == "label_holder")
        #expect(await field { $0.psiJob = "" } == "psi_job")
        #expect(await field { $0.testFraction = 1 } == "test_fraction")
        #expect(await field { $0.iterations = 5_000 } == "iterations")
        #expect(await field { $0.maxMessageBytes = 1_000 } == "max_message_bytes")
        #expect(await field { $0.maxMessageBytes = 8 << 20 } == "max_message_bytes")
    }
}
