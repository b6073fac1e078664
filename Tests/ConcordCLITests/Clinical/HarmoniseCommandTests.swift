import Foundation
import Testing

@Suite("concord harmonise")
struct HarmoniseCommandTests {
    static let schema = """
        schema: test
        variables:
          - {name: age, type: number, unit: year}
          - {name: sex, type: category, codes: [female, male]}
          - {name: cholesterol, type: number, unit: mg/dL, molar_mass: 386.65, decimals: 0, required: false}
        """
    static let mapping = """
        site: south
        missing: ["NA"]
        columns:
          - {variable: age, source: years}
          - {variable: sex, source: gender, codes: {"1": male, "2": female}}
          - {variable: cholesterol, source: chol_mmol, unit: mmol/L}
        """

    func files(_ csv: String) throws -> (schema: URL, mapping: URL, input: URL, dir: URL) {
        let schema = try CLI.temporaryFile("schema.yaml", Self.schema)
        let dir = schema.deletingLastPathComponent()
        let mapping = dir.appendingPathComponent("mapping.yaml"), input = dir.appendingPathComponent("site.csv")
        try Self.mapping.write(to: mapping, atomically: true, encoding: .utf8)
        try csv.write(to: input, atomically: true, encoding: .utf8)
        return (schema, mapping, input, dir)
    }

    @Test("writes the harmonised table and the report, and prints a summary")
    func harmonises() throws {
        let f = try files("years,gender,chol_mmol\n63,1,6.03\nNA,2,5.0\n50,3,4.0\n41,2,NA\n")
        let out = f.dir.appendingPathComponent("out/harmonised.csv"), report = f.dir.appendingPathComponent("report.json")
        let r = try CLI.run(["harmonise", "--schema", f.schema.path, "--mapping", f.mapping.path, "--input", f.input.path,
                             "--output", out.path, "--report", report.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2 of 4 rows kept") && r.stdout.contains("gender (sex): 1 values could not be mapped"), "\(r.stdout)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "age,sex,cholesterol\n63,male,233\n41,female,\n")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any]
        let issues = json?["issues"] as? [[String: Any]] ?? []
        #expect(Set(issues.compactMap { "\($0["line"] ?? ""):\($0["column"] ?? "")" }) == ["3:years", "4:gender"])
    }

    @Test("refuses a site that cannot satisfy a required variable, saying why")
    func refuses() throws {
        let f = try files("years,chol_mmol\n63,6.03\n")
        let r = try CLI.run(["harmonise", "--schema", f.schema.path, "--mapping", f.mapping.path, "--input", f.input.path,
                             "--output", f.dir.appendingPathComponent("o.csv").path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("site refused") && r.stderr.contains("gender") && r.stderr.contains("sex"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: f.dir.appendingPathComponent("o.csv").path))
    }
}
