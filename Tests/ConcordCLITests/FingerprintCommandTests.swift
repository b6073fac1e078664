import Foundation
import Testing

@Suite("concord fingerprint")
struct FingerprintCommandTests {
    // On-bits from RDKit 2026.9.1 GetMorganGenerator(radius=2, fpSize=2048).
    static let phenol = "65 389 745 807 1088 1199 1380 1602 1750 1778 1873"
    static let acetate = "650 715 807 1017 1057 1226 1809 1917"

    @Test("CSV in, id,onbits,error out; a bad SMILES names its line and position and does not stop the run")
    func csv() throws {
        let input = try CLI.temporaryFile("in.csv", "name,smiles\nphenol,c1ccccc1O\nbroken,C1CC\nacetate,CC(=O)[O-]\n")
        let result = try CLI.run(["fingerprint", "--input", input.path, "--id-column", "name"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines == [
            "id,onbits,error",
            "phenol,\(Self.phenol),",
            "broken,,\"line 3, position 2: ring closure 1 is never closed\"",
            "acetate,\(Self.acetate),",
        ])
        #expect(result.stderr.contains("3 molecules, 2 fingerprinted (ECFP4-2048), 1 rejected"))
    }

    @Test("--strict turns a rejection into a non-zero exit")
    func strict() throws {
        let input = try CLI.temporaryFile("in.smi", "c1ccccc1O phenol\nC(C)(C)(C)(C)C pentavalent\n")
        let result = try CLI.run(["fingerprint", "--input", input.path, "--strict"])
        #expect(result.status != 0)
        #expect(result.stdout.contains("pentavalent,,"))
    }

    @Test("--output writes the file; hex format has one 16-digit word per 64 bits")
    func outputHex() throws {
        let input = try CLI.temporaryFile("in.smi", "c1ccccc1O phenol\n")
        let out = input.deletingLastPathComponent().appendingPathComponent("fp.csv")
        let result = try CLI.run(["fingerprint", "--input", input.path, "--format", "hex", "--bits", "128", "--features", "--output", out.path])
        #expect(result.status == 0)
        let text = try String(contentsOf: out, encoding: .utf8)
        let row = text.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(row[0] == "phenol")
        #expect(row[1].count == 32)
    }

    @Test("a missing column is a clear error listing the columns", arguments: [
        (["--smiles-column", "structure"], "no column named 'structure'"),
    ])
    func missingColumn(extra: [String], expected: String) throws {
        let input = try CLI.temporaryFile("in.csv", "id,smiles\n1,C\n")
        let result = try CLI.run(["fingerprint", "--input", input.path] + extra)
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected))
        #expect(result.stderr.contains("id, smiles"))
    }

    @Test("bad options are refused with a reason", arguments: [
        (["--radius", "-1"], "--radius"),
        (["--bits", "0"], "--bits"),
        (["--input-format", "xlsx"], "--input-format"),
    ])
    func badOptions(extra: [String], expected: String) throws {
        let input = try CLI.temporaryFile("in.smi", "C\n")
        let result = try CLI.run(["fingerprint", "--input", input.path] + extra)
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected))
    }

    @Test("an SDF record is fingerprinted like its SMILES")
    func sdf() throws {
        let sdf = """
        acetate
          test

          4  3  0  0  0  0  0  0  0  0999 V2000
            0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
            1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
            2.0000    1.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0
            2.0000   -1.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0
          1  2  1  0
          2  3  2  0
          2  4  1  0
        M  CHG  1   4  -1
        M  END
        $$$$

        """
        let input = try CLI.temporaryFile("in.sdf", sdf)
        let result = try CLI.run(["fingerprint", "--input", input.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").last.map(String.init) == "acetate,\(Self.acetate),")
    }
}
