import Testing
@testable import ConcordChem

/// Morgan parity on RDKit's own perceived graphs (the oracle's `graph` column): isolates the
/// fingerprint code from the SMILES parser and perception. Expected to be exact.
@Suite("RDKit Morgan parity on RDKit graphs", .enabled(if: ParityReference.shouldRun))
struct MorganGraphParityTests {
    @Test("ECFP4, FCFP4 and ECFP4 counts equal RDKit's on RDKit-perceived graphs")
    func graphParity() throws {
        let rows = try ParityReference.load()
        var ecfp = ParityTally(name: "ECFP4"), fcfp = ParityTally(name: "FCFP4")
        var counts = ParityTally(name: "ECFP4 counts")
        var ecfpGen = MorganGenerator(options: .ecfp4)
        var fcfpGen = MorganGenerator(options: .fcfp4)
        var seen = Set<String>()
        for row in rows where row.accepted && seen.insert(row.canonical).inserted {
            guard let mol = ParityReference.molecule(fromGraph: row.graph) else {
                Issue.record("unreadable graph for \(row.smiles)")
                continue
            }
            ecfp.record(smiles: row.smiles, expected: row.ecfp4, actual: ecfpGen.fingerprint(mol).onBits)
            fcfp.record(smiles: row.smiles, expected: row.fcfp4, actual: fcfpGen.fingerprint(mol).onBits)
            if let expected = row.ecfp4Counts {
                let c = ecfpGen.countFingerprint(mol)
                let flat = zip(c.keys, c.counts).flatMap { [Int($0), Int($1)] }
                counts.record(smiles: row.smiles, expected: expected.flatMap { [$0.bit, $0.count] }, actual: flat)
            }
        }
        print("[parity/graph] \(ecfp.summary); \(fcfp.summary); \(counts.summary)")
        for m in (ecfp.mismatches + fcfp.mismatches + counts.mismatches).prefix(20) { print("[parity/graph] " + m) }
        #expect(ecfp.identical == ecfp.compared)
        #expect(fcfp.identical == fcfp.compared)
        #expect(counts.identical == counts.compared)
    }
}
