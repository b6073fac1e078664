import ConcordData
import ConcordPrivacy
import Foundation
import Testing
import ConcordLinkage
import ConcordVertical

/// ACTG175 (lifelines 0.30.3) split between a trial centre and a laboratory that hold different,
/// partly overlapping sets of the trial's patients (``ACTG175Vertical/parties(of:seed:)``); runs when lifelines is cached (`concord data
/// fetch lifelines`), and `CONCORD_REQUIRE_DATA=1` turns its absence into a failure.
private enum ACTG175Gate {
    static let cache = DataCache.standard()
    static let required = ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"
    static var enabled: Bool { FileManager.default.fileExists(atPath: cache.path(of: .lifelines).path) || required }
    static let note: Comment = "lifelines is not cached; run 'concord data fetch lifelines' (or set CONCORD_REQUIRE_DATA=1)"

    /// The trial's `pidnum`s, in file order.
    static func patients() throws -> [String] {
        let url = try WheelFetcher(cache: cache).fetch(.lifelines).url
        let table = try LifelinesData(wheelAt: url).table("ACTG175")
        return table.values(try table.column("pidnum"))
    }
}

@Suite("ACTG175: the trial centre and the laboratory find their shared patients", .enabled(if: ACTG175Gate.enabled, ACTG175Gate.note))
struct ACTG175LinkageTests {
    @Test("PSI on pidnum gives both parties exactly the shared patients, and the count alone in cardinality mode")
    func sharedPatients() async throws {
        let patients = try ACTG175Gate.patients()
        #expect(patients.count == 2139)
        #expect(Set(patients).count == patients.count)
        let (centre, laboratory) = ACTG175Vertical.parties(of: patients)
        let expected = Set(centre).intersection(laboratory)
        #expect(expected.count == 2 * centre.count - patients.count)
        let normaliser = IdentifierNormaliser()
        let keys = { (ids: [String]) in ids.compactMap { normaliser.normalise(field: $0) } }
        let settings = try PSISettings(session: "actg175-vertical", revealToSender: true)
        let outcome = try await PSISimulation.run(receiver: keys(centre), sender: keys(laboratory), settings: settings)
        #expect(outcome.receiver.intersection == expected.sorted())
        #expect(outcome.sender == expected.sorted())
        let count = try await PSISimulation.run(receiver: keys(centre), sender: keys(laboratory),
                                                settings: PSISettings(session: "actg175-count", output: .cardinality))
        #expect(count.receiver.count == expected.count && count.receiver.intersection == nil)
    }
}
