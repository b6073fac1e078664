import ConcordWire
import Testing
@testable import ConcordNetwork
@testable import ConcordStorage

/// The distillation job's states as the store names them.
@Suite("Distillation phases in the store")
struct DistillationPhaseTests {
    @Test("each wire state has its own phase name, read back as the same state; the store's migration names old states alike")
    func names() {
        let states = Concord_V1_JobState.allCases
        #expect(Set(states.map(DistillationPhase.name)).count == states.count)
        for state in states {
            #expect(DistillationPhase.state(DistillationPhase.name(state)) == state)
            #expect(SQLiteCoordinatorStore.legacyPhases[state.rawValue] == DistillationPhase.name(state),
                    "a database written before phases gives state \(state.rawValue) the engine's name")
        }
        #expect(SQLiteCoordinatorStore.legacyPhases.count == states.count)
        #expect(DistillationPhase.state("no such phase") == .unspecified)
    }
}
