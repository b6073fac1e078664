import Foundation
import Testing
@testable import ConcordChem

private func key(_ smiles: String) throws -> String { try MurckoScaffold.key(of: SMILES.parse(smiles)) }

@Suite("Bemis–Murcko scaffolds")
struct MurckoScaffoldTests {
    @Test("side chains go, rings and linkers stay, exocyclic double bonds stay")
    func handChecked() throws {
        #expect(try key("CCO") == "")
        #expect(try key("Cc1ccccc1") == key("c1ccccc1"))
        #expect(try key("CCc1ccc(CC)cc1O") == key("c1ccccc1"))
        #expect(try key("Cn1cccc1") == key("c1cc[nH]c1"))
        #expect(try key("O=C1CCCCC1") != key("C1CCCCC1"))
        #expect(try key("CC(C)C1CCCCC1=O") == key("O=C1CCCCC1"))
        #expect(try key("c1ccccc1CCc1ccccc1") == key("c1ccc(CCc2ccccc2)cc1"))
        #expect(try key("c1ccccc1CCc1ccccc1") != key("c1ccccc1Cc1ccccc1"))
        #expect(try key("c1ccccc1C(C)(C)Cc1ccccc1") == key("c1ccccc1CCc1ccccc1"))
        #expect(try key("C[C@H]1CCCN1") == key("C1CCNC1"))
        #expect(try key("c1ccncc1") != key("c1ccccc1"))
        let scaffold = try MurckoScaffold.scaffold(of: SMILES.parse("CC(=O)Nc1ccc(OCC)cc1"))
        #expect(scaffold.atomCount == 6)
    }

    /// RDKit reference written by `scripts/rdkit_scaffold_oracle.py`, named by `CONCORD_SCAFFOLD_REFERENCE`.
    static var referencePath: String? {
        let v = ProcessInfo.processInfo.environment["CONCORD_SCAFFOLD_REFERENCE"]
        return v?.isEmpty == false ? v : nil
    }
    static var shouldRun: Bool { referencePath != nil || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_PARITY"] == "1" }

    @Test("grouping agrees with RDKit's MurckoScaffoldSmiles on MoleculeACE molecules",
          .enabled(if: shouldRun, "set CONCORD_SCAFFOLD_REFERENCE (scripts/rdkit_scaffold_oracle.py)"))
    func rdkitAgreement() throws {
        let path = try #require(Self.referencePath, "CONCORD_SCAFFOLD_REFERENCE is not set (CONCORD_REQUIRE_PARITY=1)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var byRDKit: [String: Set<String>] = [:], byConcord: [String: Set<String>] = [:]
        var compared = 0, skipped = 0, failures: [String] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 2 else { continue }
            let (smiles, rdkit) = (fields[0], fields[1])
            if rdkit == "!" { skipped += 1; continue }
            guard let mol = try? SMILES.parse(smiles) else { skipped += 1; continue }
            do {
                let k = try MurckoScaffold.key(of: mol)
                byRDKit[rdkit, default: []].insert(k)
                byConcord[k, default: []].insert(rdkit)
                compared += 1
            } catch {
                failures.append("\(smiles): Concord cannot sanitise the scaffold (\(error)); RDKit: \(rdkit)")
            }
        }
        let split = byRDKit.filter { $0.value.count > 1 }
        let merged = byConcord.filter { $0.value.count > 1 }
        for (s, keys) in split.prefix(10) { failures.append("RDKit scaffold \(s) has \(keys.count) Concord keys") }
        for (_, scaffolds) in merged.prefix(10) { failures.append("one Concord key for RDKit scaffolds \(scaffolds.sorted())") }
        print("scaffold agreement: \(compared) molecules, \(byRDKit.count) RDKit scaffolds, \(byConcord.count) Concord keys, \(split.count) split, \(merged.count) merged, \(skipped) skipped")
        #expect(compared > 1000)
        #expect(failures.isEmpty, "\(failures.prefix(20).joined(separator: "\n"))")
    }
}
