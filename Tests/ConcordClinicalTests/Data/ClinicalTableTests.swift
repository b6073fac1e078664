import Foundation
import Testing
import ConcordTesting
@testable import ConcordClinical

@Suite("A user's own table: reading and encoding")
struct ClinicalTableTests {
    static func table(_ csv: String, positive: String? = nil, features: [String]? = nil) throws -> ClinicalTable {
        try SyntheticClinicalTable.table(csv, positive: positive, features: features)
    }

    @Test("numeric columns are features, text columns one-hot with the first sorted level dropped, missing values NaN")
    func encoding() throws {
        let csv = """
            hospital,age,smoker,outcome,note
            b,61,never,1,x
            a,NA,current,0,y
            b,70,former,0,?
            a,55,,1,z

            """
        let t = try Self.table(csv, features: ["smoker", "age"])
        #expect(t.featureNames == ["smoker=former", "smoker=never", "age"])
        #expect(t.sites.map(\.name) == ["a", "b"], "sites in name order, as a networked job orders its partners")
        let a = try #require(t.sites.first), b = try #require(t.sites.last)
        #expect(b.rows == [[0, 1, 61], [1, 0, 70]] && b.labels == [1, 0] && b.lines == [2, 4])
        #expect(a.rows[0][0] == 0 && a.rows[0][1] == 0 && a.rows[0][2].isNaN, "NA is missing; 'current' is the dropped level")
        #expect(a.rows[1][0].isNaN && a.rows[1][1].isNaN && a.rows[1][2] == 55, "an empty category is missing in every dummy")
        #expect(t.notes.contains { $0.contains("column 'smoker' is categorical") && $0.contains("the first ('current') dropped") })
        // Without --features every other column is used; 'note' is text with 3 levels.
        let all = try Self.table(csv)
        #expect(all.featureNames == ["age", "smoker=former", "smoker=never", "note=y", "note=z"])
    }

    @Test("a label other than 0/1 is refused naming its line, column and value; --positive maps it")
    func labels() throws {
        let csv = "hospital,x,outcome\na,1,0\na,2,1.0\nb,3,yes\nb,4,no\n"
        do {
            _ = try Self.table(csv)
            Issue.record("a label 'yes' was accepted")
        } catch let error as ClinicalDataError {
            #expect(error.code == .malformedInput && error.context.line == 4 && error.context.column == "outcome" && error.context.site == "b")
            #expect(error.message.contains("'yes'") && error.message.contains("--positive"))
        }
        let mapped = try Self.table(csv, positive: "yes")
        #expect(mapped.sites.flatMap(\.labels) == [0, 0, 1, 0], "only the positive value is 1")
        #expect(try Self.table("hospital,x,outcome\na,1,0\na,2,1.0\n").sites[0].labels == [0, 1], "1.0 reads as 1")
        #expect(throws: ClinicalDataError.self) { try Self.table(csv, positive: "true") }
    }

    @Test("a site whose rows have no label is left out with the reason; rows without a site are counted")
    func leftOut() throws {
        let csv = "hospital,x,outcome\na,1,0\na,2,1\nc,3,\nc,4,NA\n,5,1\na,,1\n"
        let t = try Self.table(csv)
        #expect(t.sites.map(\.name) == ["a"])
        #expect(t.sites[0].labels == [0, 1], "the row with no feature value is left out")
        #expect(t.notes.contains("site 'c' is left out: none of its 2 rows is usable (2 with no label in column 'outcome'; lines 4, 5)"), "\(t.notes)")
        #expect(t.notes.contains("1 row with no value in the site column 'hospital' left out (line 6)"), "\(t.notes)")
        #expect(t.notes.contains { $0.hasPrefix("site 'a': 1 of its 3 rows left out (1 with no feature value") }, "\(t.notes)")
    }

    @Test("unknown columns, a feature that is the label, and an identifier-like text feature are refused or left out")
    func columns() throws {
        #expect(throws: ClinicalDataError.self) { try Self.table("hospital,x,outcome\na,1,0\n", features: ["y"]) }
        #expect(throws: ClinicalDataError.self) { try Self.table("hospital,x,outcome\na,1,0\n", features: ["outcome"]) }
        let ids = (0..<60).map { "a,\($0 % 2),p\($0),\($0)" }.joined(separator: "\n")
        let csv = "hospital,outcome,patient,x\n" + ids + "\n"
        let t = try Self.table(csv)
        #expect(t.featureNames == ["x"])
        #expect(t.notes.contains { $0.contains("column 'patient' is not numeric") && $0.contains("left out") })
        #expect(throws: ClinicalDataError.self) { try Self.table(csv, features: ["patient", "x"]) }
        #expect(throws: ClinicalDataError.self, "no feature at all") { try Self.table("hospital,x,outcome\na,,0\n") }
    }

    @Test("sizes are refused before the table is encoded")
    func sizes() throws {
        let wide = "hospital,outcome," + (0..<HarmonisationLimits.maxColumns).map { "c\($0)" }.joined(separator: ",") + "\n"
        do { _ = try Self.table(wide); Issue.record("a table wider than the limit was read") } catch let error as ClinicalDataError {
            #expect(error.code == .tooLarge)
        }
        #expect(throws: ClinicalDataError.self) { try ClinicalTable.checkSize(rows: HarmonisationLimits.maxFeatureValues, features: 2, file: "t") }
        #expect(throws: ClinicalDataError.self) { try ClinicalTable.checkSize(rows: Int.max / 2, features: 3, file: "t") }
        try ClinicalTable.checkSize(rows: HarmonisationLimits.maxFeatureValues / 2, features: 2, file: "t")
    }
}
