import ConcordFederation
import Testing
@testable import ConcordNetwork
@testable import ConcordStorage

/// The distillation job's phases, their durable numbers (status pages and the metrics endpoint)
/// and the names the store's migration gives jobs written before phases existed.
@Suite("Distillation phases in the store")
struct DistillationPhaseTests {
    @Test("every phase has its own status number; the store's migration names each old state number as that phase")
    func names() {
        let phases = DistillationJob.descriptor.phases + [.cancelled, .failed]
        let numbers = phases.map(DistillationJob.statusNumber)
        #expect(Set(numbers).count == phases.count && !numbers.contains(0), "\(numbers)")
        for phase in phases {
            #expect(SQLiteCoordinatorStore.legacyPhases[DistillationJob.statusNumber(phase)] == phase.rawValue,
                    "a database written before phases gives state \(DistillationJob.statusNumber(phase)) the name of \(phase.rawValue)")
        }
        #expect(SQLiteCoordinatorStore.legacyPhases.count == phases.count + 1, "and 0, unspecified")
        #expect(DistillationJob.statusNumber(JobPhase("no such phase")) == 0)
        #expect(DistillationJob.statusNumber(.created) == 1 && DistillationJob.statusNumber(.complete) == 9,
                "a job's normal life reads 1 … 9 on dashboards, as before")
    }
}
