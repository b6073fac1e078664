import ConcordData
import ConcordPrivacy
import Foundation
import Testing
import ConcordLinkage
import ConcordVertical

/// Runs when lifelines is cached (`concord data fetch lifelines`); `CONCORD_REQUIRE_DATA=1`
/// turns its absence into a failure.
private enum LifelinesGate {
    static let cache = DataCache.standard()
    static let required = ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"
    static var enabled: Bool { FileManager.default.fileExists(atPath: cache.path(of: .lifelines).path) || required }
    static let note: Comment = "lifelines is not cached; run 'concord data fetch lifelines' (or set CONCORD_REQUIRE_DATA=1)"
}

@Suite("ACTG175 without a shared identifier: record linkage on synthetic quasi-identifiers", .enabled(if: LifelinesGate.enabled, LifelinesGate.note))
struct ACTG175RecordLinkageTests {
    /// The fuzzy case of the vertical benchmark: the centre and the laboratory hold the same
    /// seeded 80%/80% split of the trial as the PSI test, but no `pidnum`. Each patient gets
    /// synthetic quasi-identifiers (seeded; the trial's own sex from `gender`); the laboratory's
    /// copies carry typos (a name for half, a date-of-birth digit for 10%, a postcode digit for 5%).
    @Test("balanced Bloom filters recover the 1,283 shared patients with precision and recall ≥ 0.99")
    func linksTheSharedPatients() async throws {
        let url = try WheelFetcher(cache: LifelinesGate.cache).fetch(.lifelines).url
        let table = try LifelinesData(wheelAt: url).table("ACTG175")
        let pid = try table.column("pidnum"), gender = try table.column("gender")
        var people = SyntheticPeople(seed: 175)
        let synthetic = people.people(table.rows.count)
        var person: [String: SyntheticPeople.Person] = [:]
        for (row, base) in zip(table.rows, synthetic) {
            var p = base
            p.sex = row[gender] == "1" ? "m" : "f"
            person[row[pid]] = p
        }
        let (centre, laboratory) = ACTG175Vertical.parties(of: table.rows.map { $0[pid] })
        let fields = ["first", "surname", "born", "sex", "postcode"]
        let values = { (p: SyntheticPeople.Person) in [p.first, p.surname, p.born, p.sex, p.postcode] }
        let encoder = try BloomEncoder(secret: .reproducible(from: 175, label: "test.actg175.pprl"), fields: fields)
        let left = try centre.map { try encoder.encode(values(person[$0]!)) }
        let right = try laboratory.map { try encoder.encode(values(people.recorded(person[$0]!))) }
        let links = try await RecordLinkage.link(left: left, right: right, threshold: 0.85)
        let position = Dictionary(uniqueKeysWithValues: laboratory.enumerated().map { ($1, $0) })
        let truth = Set(centre.enumerated().compactMap { i, id in position[id].map { [i, $0] } })
        #expect(truth.count == 1283)
        let (precision, recall) = RecordLinkage.quality(of: links, truth: truth)
        print("ACTG175 PPRL: precision \(precision), recall \(recall), \(links.count) links for \(truth.count) shared patients")
        #expect(precision >= 0.99)
        #expect(recall >= 0.99)
    }
}
