import Testing
import ConcordML
import ConcordTesting
@testable import ConcordClinical

@Suite("A multi-task model on a user's table, and a straggler deadline in the simulation")
struct TableTasksSimulationTests {
    static func settings(rounds: Int = 8) -> ClinicalSimulationSettings {
        ClinicalSimulationSettings(strategy: "fedavg", rounds: rounds, seeds: [0], shapley: false)
    }

    @Test("every head is scored beside its single-task model; the site without `stay` is not scored on it")
    func headsScored() async throws {
        let t = try SyntheticClinicalTable.table(ClinicalTableTasksTests.csv, tasks: ["readmitted", "stay"])
        let results = try await ClinicalSimulation.run(settings: Self.settings(), table: t)
        let locals = ["local-north", "local-south", "local-west"]
        #expect(results.heads?.map(\.name) == ["outcome", "readmitted", "stay"])
        #expect(results.models.map(\.name) == ["fedavg", "fedavg-outcome-only", "pooled"] + locals)
        let tasks = try #require(results.taskModels), regression = try #require(results.regressionModels)
        #expect(tasks.map(\.name) == ["fedavg", "fedavg-readmitted-only", "pooled"] + locals && tasks.allSatisfy { $0.head == "readmitted" })
        #expect(regression.map(\.name) == ["fedavg", "fedavg-stay-only", "pooled"] + locals && regression.allSatisfy { $0.head == "stay" })
        #expect(tasks.allSatisfy { $0.test.sites.count == 3 } && regression.allSatisfy { Set($0.test.sites.keys) == ["north", "south"] })
        // Both extra outcomes are functions of the features: the multi-task model must learn them.
        let auc = try #require(tasks[0].test.pooled.rocAUC), r2 = try #require(regression[0].test.pooled.r2)
        #expect(auc > 0.8 && r2 > 0.5, "readmitted ROC-AUC \(auc), stay R² \(r2)")
        #expect(results.notes.contains { $0.hasPrefix("task column 'readmitted' is a binary head") })
        #expect(results.taskModelsCSV?.hasPrefix("model,role,head,scope,accuracy") == true)
    }

    @Test("task columns refuse FLamby's preset")
    func flambyRefused() async throws {
        var settings = Self.settings()
        settings.preset = .flamby
        let t = try SyntheticClinicalTable.table(ClinicalTableTasksTests.csv, tasks: ["stay"])
        await #expect(throws: FederatedLearningError.self) { try await ClinicalSimulation.run(settings: settings, table: t) }
    }

    @Test("a site arriving after the deadline has every update dropped, counted per site; a generous deadline changes no score")
    func deadline() async throws {
        let t = try SyntheticClinicalTable.table(SyntheticClinicalTable.csv([.init(name: "north", rows: 80), .init(name: "south", rows: 60), .init(name: "west", rows: 50)]))
        var late = Self.settings(), generous = Self.settings()
        late.options = FederatedRunOptions(deadline: 5, arrivalTimes: [1, 2, 30])
        generous.options = FederatedRunOptions(deadline: 1e6)
        let plain = try await ClinicalSimulation.run(settings: Self.settings(), table: t)
        let dropped = try await ClinicalSimulation.run(settings: late, table: t)
        let kept = try await ClinicalSimulation.run(settings: generous, table: t)
        #expect(dropped.droppedUpdates == ["north": 0, "south": 0, "west": 8])
        #expect(dropped.models[0].seeds[0].rounds.allSatisfy { $0.dropped == ["west"] && $0.weights["west"] == 0 })
        #expect(dropped.notes.contains { $0.hasPrefix("updates dropped at the deadline, per site (of 8 rounds): north 0, south 0, west 8") })
        #expect(kept.droppedUpdates == ["north": 0, "south": 0, "west": 0])
        #expect(kept.models.map(\.test) == plain.models.map(\.test) && kept.models[0].rounds.map(\.loss) == plain.models[0].rounds.map(\.loss))
        #expect(dropped.models[0].test != plain.models[0].test)
        var wrong = Self.settings()
        wrong.options = FederatedRunOptions(deadline: 5, arrivalTimes: [1, 2])
        await #expect(throws: FederatedLearningError.self) { try await ClinicalSimulation.run(settings: wrong, table: t) }
    }
}
