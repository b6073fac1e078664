import Foundation
import Testing
import ConcordTesting
@testable import ConcordClinical

@Suite("A user's own table split into a consortium: schema, exports and mappings")
struct ClinicalTableConsortiumTests {
    /// Writes each site's export and mapping, then has each "node" harmonise, encode and split its
    /// own file alone, and compares with the whole table's encoding and split.
    @Test("each site's export, harmonised and encoded from the schema alone, gives the whole table's rows and split exactly")
    func roundTrip() throws {
        let table = try SyntheticClinicalTable.table(SyntheticClinicalTable.csv(SyntheticClinicalTable.awkward))
        let schema = try CommonSchema(yaml: try table.schema.yaml())
        #expect(schema == (try table.schema), "the schema survives YAML")
        let encoding = try SchemaEncoding(schema: schema)
        #expect(encoding.featureNames == table.featureNames)
        let directory = try TemporaryDirectory()
        let (expected, _) = try table.split()
        for (site, reference) in zip(table.sites, expected) {
            let file = directory.url.appendingPathComponent("\(site.name).csv"), mapping = directory.url.appendingPathComponent("\(site.name).yaml")
            try table.export(site).write(to: file, atomically: true, encoding: .utf8)
            try table.mapping(site).yaml().write(to: mapping, atomically: true, encoding: .utf8)
            let node = try ClinicalSiteData.table(file: file, mapping: mapping, encoding: encoding)
            #expect(node.data.name == reference.name)
            #expect(node.data.trainLabels == reference.trainLabels && node.data.testLabels == reference.testLabels, "site \(site.name)")
            #expect(Self.same(node.data.train.values, reference.train.values) && Self.same(node.data.test.values, reference.test.values), "site \(site.name)")
        }
    }

    @Test("an encoding refuses a schema without an outcome, an unknown feature and a categorical outcome without its positive code")
    func refusals() throws {
        let schema = try CommonSchema(name: "s", variables: [.init(name: "age", type: .number), .init(name: "smoker", type: .category, codes: ["no", "yes"]),
                                                               .init(name: "died", type: .category, codes: ["no", "yes"])])
        #expect(throws: ClinicalDataError.self) { try SchemaEncoding(schema: schema) }
        #expect(throws: ClinicalDataError.self) { try SchemaEncoding(schema: schema, outcome: .init(variable: "died")) }
        #expect(throws: ClinicalDataError.self) { try SchemaEncoding(schema: schema, outcome: .init(variable: "died", positive: "yes"), features: ["weight"]) }
        #expect(throws: ClinicalDataError.self) { try SchemaEncoding(schema: schema, outcome: .init(variable: "died", positive: "yes"), features: ["died"]) }
        let encoding = try SchemaEncoding(schema: schema, outcome: .init(variable: "died", positive: "yes"))
        #expect(encoding.featureNames == ["age", "smoker=yes"])
        #expect(throws: ClinicalDataError.self) { try CommonSchema(name: "s", variables: schema.variables, outcome: .init(variable: "weight")) }
    }

    @Test("a numeric outcome other than 0 or 1 is refused naming its line; rows without an outcome or any feature are left out and counted")
    func encodeRows() throws {
        let schema = try CommonSchema(name: "s", variables: [.init(name: "age", type: .number, required: false), .init(name: "smoker", type: .boolean, required: false),
                                                               .init(name: "died", type: .number, required: false)], outcome: .init(variable: "died"))
        let encoding = try SchemaEncoding(schema: schema)
        let good = HarmonisedTable(site: "a", variables: ["age", "smoker", "died"],
                                   rows: [[.number(50), .boolean(true), .number(1)], [nil, nil, .number(0)], [.number(40), nil, nil], [nil, .boolean(false), .number(0)]],
                                   sourceLines: [2, 3, 4, 5])
        let out = try encoding.encode(good)
        #expect(out.labels == [1, 0] && out.lines == [2, 5])
        #expect(out.rows[0] == [50, 1] && out.rows[1][0].isNaN && out.rows[1][1] == 0)
        #expect(out.notes.count == 2)
        let bad = HarmonisedTable(site: "a", variables: ["age", "smoker", "died"], rows: [[.number(50), nil, .number(2)]], sourceLines: [9])
        let error = try #require(throws: ClinicalDataError.self) { try encoding.encode(bad) }
        #expect(error.context.line == 9)
    }

    static func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}
