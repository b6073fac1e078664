import ConcordChem
import ConcordFederation
import ConcordML
import ConcordTesting
import Testing

/// A simulation walks the distillation job's phases with the coordinator's ``JobMachine``: the
/// phases a job of the same settings passes over the network, in order.
@Suite("A simulation walks the job's phases")
struct SimulationPhasesTests {
    @Test("a classification run passes every phase, with calibration and screening when its settings ask for them",
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func classificationPhases(_ calibrate: Bool, _ screen: Bool) async throws {
        let data = await Library.labelled()
        var settings = Library.settings
        settings.singleTeacherStudents = false
        settings.hybrids = false
        settings.calibrate = calibrate
        if screen { settings.transferSelection = TransferSelection(poolSize: 600, domainFraction: 0.5) }
        let run = try await Simulation.runSeed(data: data, pool: Library.pool(data), settings: settings, seed: 4)
        var expected: [JobPhase] = [.created]
        if screen { expected.append(DistillationJob.screening) }
        expected += [DistillationJob.transferReady, DistillationJob.annotationsCollected, DistillationJob.federated, DistillationJob.studentTrained]
        if calibrate { expected.append(DistillationJob.thresholdCalibrated) }
        expected += [DistillationJob.studentPublished, DistillationJob.evaluationsCollected, .complete]
        #expect(run.phases == expected)
        // The walk is one the coordinator's machine accepts, phase by phase.
        var machine = try JobMachine(kind: DistillationJob.descriptor)
        for phase in run.phases.dropFirst() { try machine.move(to: phase) }
        #expect(machine.isFinished)
    }

    @Test("a regression run publishes its student without a threshold phase")
    func regressionPhases() async throws {
        let data = await RegressionLibrary.labelled()
        var settings = RegressionLibrary.settings
        settings.hybrids = false
        let run = try await Simulation.runSeed(data: data, pool: Library.pool(data), settings: settings, seed: 3)
        #expect(run.phases == [.created, DistillationJob.transferReady, DistillationJob.annotationsCollected, DistillationJob.federated,
                               DistillationJob.studentTrained, DistillationJob.studentPublished, DistillationJob.evaluationsCollected, .complete])
    }

    @Test("the coordinator's student step trains the simulation's student: same selection, same predictions")
    func theStudentStepIsShared() async throws {
        let data = await Library.labelled()
        var settings = Library.settings
        settings.singleTeacherStudents = false
        settings.hybrids = false
        let run = try await Simulation.runSeed(data: data, pool: Library.pool(data), settings: settings, seed: 5)
        let consensus = try #require(run.consensus[settings.scheme])
        let (selection, student) = try await ClassificationTask.distil(consensus, annotations: run.annotations, transfer: run.transfer.features,
                                                                       settings: settings, seeds: SeedTree(5), parallelism: 2)
        #expect(selection == run.selection)
        let test = data.features.rows(run.plan.test)
        #expect(await student.predictProbability(test) == run.testPredictions["S-F\(settings.consortium.partners)"])
    }
}
