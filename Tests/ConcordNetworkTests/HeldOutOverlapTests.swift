import ConcordChem
import ConcordFederation
import ConcordML
import ConcordTesting
import ConcordWire
import Foundation
import Testing
@testable import ConcordNetwork

/// A partner's held-out molecules that the coordinator put in the public transfer set (it cannot know
/// them) judge nothing: the partner leaves them out of its calibration and evaluation.
@Suite("Held-out molecules in the public set")
struct HeldOutOverlapTests {
    @Test("the held-out parts lose exactly the public molecules; the training part is untouched")
    func heldOutPartsLoseThePublicMolecules() async throws {
        let smiles = DisubstitutedRings.molecules.prefix(40).map(\.smiles)
        let featurised = await MoleculeFeaturizer.featurize(smiles, options: FeaturizerSpec().morganOptions, parallelism: 1)
        var features = FingerprintMatrix(bitCount: 2048)
        var keys: [MoleculeIdentityKey] = []
        for outcome in featurised {
            guard case .success(let value) = outcome else { Issue.record("a fixture molecule does not parse"); return }
            features.append(value.fingerprint); keys.append(value.key)
        }
        func part(_ rows: Range<Int>) -> PrivateData.Part {
            PrivateData.Part(features: features.rows(Array(rows)), labels: rows.map { UInt8($0 % 2) }, keys: rows.map { keys[$0] },
                             values: rows.map { Double($0) })
        }
        let data = PrivateData(train: part(0..<20), validation: part(20..<30), test: part(30..<40), skipped: [])
        let transfer = [keys[3], keys[21], keys[22], keys[35]] + Array(keys.prefix(2))
        let (judged, overlap) = data.heldOut(outside: transfer)
        #expect(overlap == PrivateData.PublicOverlap(validation: 2, test: 1))
        #expect(judged.train.keys == data.train.keys, "training molecules are the partner's own: kept")
        #expect(judged.validation.keys == Array(keys[20..<30]).filter { $0 != keys[21] && $0 != keys[22] })
        #expect(judged.test.keys == Array(keys[30..<40]).filter { $0 != keys[35] })
        #expect(judged.test.values == [30, 31, 32, 33, 34, 36, 37, 38, 39].map(Double.init))
        #expect(judged.test.features.rowCount == 9 && judged.test.labels.count == 9)
        let (same, none) = data.heldOut(outside: [])
        #expect(none.total == 0 && same.test.keys == data.test.keys)
    }

    @Test("a partner whose test molecules the coordinator made public reports its metrics on the rest only")
    func evaluationLeavesOutPublicTestMolecules() async throws {
        let temporary = try TemporaryDirectory(prefix: "concord-held-out")
        defer { temporary.cleanUp() }
        let (partners, pool) = DisubstitutedRings.regressionSplit()
        let alpha = try #require(partners["alpha"])
        let tests = alpha.indices.filter { $0 % 5 == 4 }.map { alpha[$0].smiles }  // InProcessConsortium's test rows
        let planted = Array(tests.prefix(tests.count / 2))
        #expect(planted.count >= 3)
        // Every pool molecule is in a 10,000-molecule transfer set, the planted ones included.
        let consortium = try InProcessConsortium(directory: temporary.url, partners: partners, pool: pool + planted)
        let spec = try RegressionJobTests.spec(partners: consortium.nodes.map(\.partner)) { $0.transferSize = 10_000 }
        let run = try await consortium.run(spec)
        #expect(run.status.phase == "complete", "\(run.status.message)")
        // The fixture's pool already holds some partners' molecules under another SMILES (a ring's two
        // substituents swapped); identity keys find them, as the nodes do.
        let publicKeys = Set(try await Self.keys(pool + planted))
        for (name, outcome) in run.outcomes {
            let student = try #require(outcome.regressionMetrics.first { $0.model == "student" })
            let ownTests = try await Self.keys((partners[name] ?? []).enumerated().filter { $0.offset % 5 == 4 }.map(\.element.smiles))
            let expected = ownTests.filter { !publicKeys.contains($0) }.count
            if name == "alpha" { #expect(expected <= ownTests.count - planted.count) }
            #expect(student.test.n == expected, "\(name): \(student.test.n) test molecules judged the student, \(expected) expected")
            #expect(outcome.regressionMetrics.allSatisfy { $0.test.n == expected }, "every model is judged on the same molecules")
        }
    }

    @Test("a partner all of whose molecules the coordinator made public still calibrates (with zero counts) and the job completes")
    func aPartnerWithNothingLeftToJudgeOnDoesNotStallTheJob() async throws {
        let temporary = try TemporaryDirectory(prefix: "concord-held-out-all")
        defer { temporary.cleanUp() }
        let (partners, pool) = DisubstitutedRings.split()
        let alpha = try #require(partners["alpha"])
        let consortium = try InProcessConsortium(directory: temporary.url, partners: partners, pool: pool + alpha.map(\.smiles))
        var spec = Fixtures.spec(partners: consortium.nodes.map(\.partner), calibrate: true)
        spec.distillation.transferSize = 10_000  // the whole pool, alpha's molecules included
        let run = try await consortium.run(spec)
        #expect(run.status.phase == "complete", "\(run.status.message)")
        #expect(run.status.partners.allSatisfy { $0.submissions.contains("calibration") && $0.submissions.contains("evaluation") })
        let judged = try #require(run.outcomes["alpha"]?.metrics.first { $0.model == "student" })
        // (These partners hold no test split: they judge on their validation molecules.)
        #expect(judged.validation.n == 0, "alpha judged the student on none of its molecules: all are public")
        for name in ["beta", "gamma"] {
            #expect((run.outcomes[name]?.metrics.first { $0.model == "student" }?.validation.n ?? 0) > 0, "\(name) still judges the student")
        }
    }

    /// The identity keys of `smiles`, as a node computes them.
    static func keys(_ smiles: [String]) async throws -> [MoleculeIdentityKey] {
        try await PartnerWork.transfer(smiles, fingerprint: FeaturizerSpec(radius: 2, bits: 1024, features: true), parallelism: 2).keys
    }
}
