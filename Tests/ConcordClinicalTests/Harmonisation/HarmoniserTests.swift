import Foundation
import Testing
@testable import ConcordClinical

@Suite("Harmonisation")
struct HarmoniserTests {
    static let schemaYAML = """
        schema: test
        variables:
          - {name: age, type: number, unit: year, minimum: 0, maximum: 120}
          - {name: sex, type: category, codes: [female, male]}
          - {name: smoker, type: boolean}
          - {name: cholesterol, type: number, unit: mg/dL, molar_mass: 386.65, decimals: 0, required: false}
        """
    static let mappingYAML = """
        site: north
        missing: ["?", "-9", ""]
        columns:
          - {variable: age, source: Age}
          - {variable: sex, source: Sex, codes: {F: female, M: male}}
          - {variable: smoker, source: Smoker, codes: {oui: "true", non: "false"}}
          - {variable: cholesterol, source: Chol, unit: mmol/L, missing: ["0"]}
        """

    func harmoniser(mapping: String = mappingYAML) throws -> Harmoniser {
        try Harmoniser(schema: CommonSchema(yaml: Self.schemaYAML), mapping: SiteMapping(yaml: mapping))
    }

    @Test("codes, units and missing markers are mapped; problems are named by line and column")
    func mapsAndReports() throws {
        let csv = """
            Age,Sex,Smoker,Chol,Ward
            63,M,oui,6.03,A
            41,F,non,0,B
            ?,F,non,5.00,C
            52,X,non,4.5,D
            130,M,non,abc,E
            47,M,peut-etre,5.2,F

            """
        let result = try harmoniser().harmonise(data: Data(csv.utf8), file: "north.csv")
        #expect(result.table.variables == ["age", "sex", "smoker", "cholesterol"])
        #expect(result.table.rows.count == 2)
        #expect(result.table.rows[0] == [.number(63), .category("male"), .boolean(true), .number(233)])
        #expect(result.table.rows[1] == [.number(41), .category("female"), .boolean(false), nil])
        #expect(result.table.sourceLines == [2, 3])
        let r = result.report
        #expect(r.rowsRead == 6 && r.rowsKept == 2 && r.rowsDropped == 4)
        let found = Set(r.issues.map { "\($0.line):\($0.column):\($0.kind.rawValue):\($0.rowDropped)" })
        #expect(found == ["4:Age:missingRequired:true", "5:Sex:unmappable:true", "6:Age:outOfRange:true",
                          "6:Chol:unmappable:true", "7:Smoker:unmappable:true"])
        #expect(r.missingByVariable["cholesterol"] == 1 && r.missingByVariable["age"] == 1)
        #expect(r.unusedColumns == ["Ward"])
        #expect(r.summary.contains("2 of 6 rows kept"))
        #expect(result.table.csv() == "age,sex,smoker,cholesterol\n63,male,true,233\n41,female,false,\n")
        let json = try JSONEncoder().encode(r)
        #expect(try JSONDecoder().decode(ValidationReport.self, from: json) == r)
    }

    @Test("an optional variable that cannot be mapped is left missing, and the row kept")
    func optionalUnmappable() throws {
        let result = try harmoniser().harmonise(data: Data("Age,Sex,Smoker,Chol\n50,M,non,high\n".utf8))
        #expect(result.table.rows == [[.number(50), .category("male"), .boolean(false), nil]])
        #expect(result.report.issues.map(\.rowDropped) == [false])
    }

    @Test("a site that cannot satisfy a required variable is refused, with the reason",
          arguments: [
            ("Age,Sex,Chol\n50,M,5\n", "Smoker"),              // the column is absent
            ("Age,Sex,Smoker,Chol\n50,M,?,5\n51,F,,5\n", "Smoker"),  // never provided
            ("Age,Sex,Smoker,Chol\n50,M,maybe,5\n", "Smoker"),   // never mappable
          ])
    func refusesSite(csv: String, column: String) throws {
        do {
            _ = try harmoniser().harmonise(data: Data(csv.utf8), file: "site.csv")
            Issue.record("the site was not refused")
        } catch let error as ClinicalDataError {
            #expect(error.code == .requiredVariable)
            #expect(error.context.site == "north" && error.context.column == column && error.context.file == "site.csv")
            #expect(error.description.contains("smoker"))
        }
    }

    @Test("a mapping that leaves out a required variable is refused; one that breaks the schema is invalid")
    func badMappings() throws {
        let schema = try CommonSchema(yaml: Self.schemaYAML)
        #expect(throws: ClinicalDataError.self) {
            try Harmoniser(schema: schema, mapping: SiteMapping(yaml: "site: s\ncolumns:\n  - {variable: age}\n"))
        }
        let cases = [
            "site: s\ncolumns:\n  - {variable: weight, source: W}\n",
            "site: s\ncolumns:\n  - {variable: sex, source: S, codes: {X: other}}\n",
            "site: s\ncolumns:\n  - {variable: cholesterol, source: C, unit: kPa}\n",
            "site: s\ndelimiter: '|'\ncolumns:\n  - {variable: age}\n",
        ]
        for yaml in cases {
            do {
                _ = try Harmoniser(schema: schema, mapping: SiteMapping(yaml: yaml))
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect(error.code == .invalidMapping, "\(yaml)")
            }
        }
        #expect(throws: ClinicalDataError.self) { try SiteMapping(yaml: "site: [unclosed") }
    }

    @Test("schemas with duplicate names, codeless categories or molar units without a molar mass are rejected",
          arguments: [
            "variables:\n  - {name: a, type: number}\n  - {name: a, type: boolean}\n",
            "variables:\n  - {name: a, type: category}\n",
            "variables:\n  - {name: a, type: number, unit: mmol/L}\n",
            "variables:\n  - {name: a, type: text}\n",
            "variables: []\n",
          ])
    func badSchemas(yaml: String) {
        #expect(throws: ClinicalDataError.self) { try CommonSchema(yaml: yaml) }
    }

    @Test("oversized tables are refused before they are parsed")
    func limits() throws {
        let wide = (0...HarmonisationLimits.maxColumns).map { "c\($0)" }.joined(separator: ",") + "\n"
        do {
            _ = try harmoniser().harmonise(data: Data(wide.utf8))
            Issue.record("accepted \(HarmonisationLimits.maxColumns + 1) columns")
        } catch let error as ClinicalDataError {
            #expect(error.code == .tooLarge)
        }
        do {
            _ = try harmoniser().harmonise(data: Data("Age,Sex,Smoker,Chol\n".utf8))
            Issue.record("accepted a table without rows")
        } catch let error as ClinicalDataError {
            #expect(error.code == .malformedInput)
        }
    }
}
