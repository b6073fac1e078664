import ConcordFederation
import ConcordML
import ConcordWire
import Foundation
import SwiftProtobuf
import Testing
@testable import ConcordNetwork

/// A distillation job's settings are the simulation's settings of its task: the wire carries the
/// coordinator's choices, and the coordinator reads them back through the same request and checks
/// as `concord simulate`.
@Suite("Distillation job settings")
struct DistillationSettingsTests {
    /// A stored specification of `distillation` for two partners.
    static func stored(_ distillation: Concord_V2_DistillationSpec) throws -> DistillationJobSpec {
        var job = Concord_V2_JobSpec()
        job.name = "settings"
        job.partners = ["alpha", "beta"]
        job.seed = 3
        let data = try job.serializedBytes() as Data + (try distillation.serializedBytes() as Data)
        return try DistillationJobSpec(stored: data)
    }

    @Test("the default preset's classification and regression settings come back whole from the wire")
    func theDefaultRoundTrips() throws {
        let classification = SimulationSettings.standard
        guard case .classification(let read) = try DistillationJobSettings(try Self.stored(.init(classification, transferSource: "moses"))) else {
            Issue.record("a classification spec was read as another task"); return
        }
        #expect(read == classification)

        var regression = RegressionSettings.standard
        regression.valueName = DistillationJobSettings.regressionValueName
        guard case .regression(let readRegression) = try DistillationJobSettings(try Self.stored(.init(regression, transferSource: "moses"))) else {
            Issue.record("a regression spec was read as another task"); return
        }
        #expect(readRegression == regression)
    }

    @Test("FLuID's preset keeps every choice the coordinator makes", arguments: [false, true])
    func thePocPresetKeepsTheCoordinatorsChoices(_ changed: Bool) throws {
        var poc = SimulationSettings.poc
        if changed {  // choices the preset does not make
            poc.selection = .mixed; poc.scheme = .uniform; poc.weightPower = 3.5; poc.studentSize = 321; poc.transferSize = 4_321
            poc.transferSelection = TransferSelection(poolSize: 9_000, domainFraction: 0.25); poc.fingerprint = FeaturizerSpec(radius: 3, bits: 1024, features: false).morganOptions
        }
        guard case .classification(let read) = try DistillationJobSettings(try Self.stored(.init(poc, transferSource: "chembl"))) else {
            Issue.record("a classification spec was read as another task"); return
        }
        #expect(read.scheme == poc.scheme && read.selection == poc.selection && read.student == poc.student)
        #expect(read.softLabels == poc.softLabels && read.teacherHeads == poc.teacherHeads && read.calibrate == poc.calibrate && read.soft == poc.soft)
        #expect(read.weightPower == poc.weightPower && read.studentSize == poc.studentSize && read.transferSize == poc.transferSize)
        #expect(read.transferSelection == poc.transferSelection && read.fingerprint == poc.fingerprint)
    }

    @Test("a job is refused for what a simulation is refused, with the simulation's reason")
    func refusalsAreTheSimulations() throws {
        var wire = Concord_V2_DistillationSpec(SimulationSettings.standard, transferSource: "moses")
        wire.studentModel = "rf"  // teacher heads need an MLP student on soft labels
        var request = SettingsRequest()
        request.student = "rf"; request.teacherHeads = true
        let simulation = #expect(throws: FederationError.self) { try request.classification().validate() }
        do {
            _ = try DistillationJobSettings(try Self.stored(wire))
            Issue.record("a forest student with teacher heads was accepted")
        } catch let error as CoordinatorRefusal {
            #expect(error.code == .invalidArgument)
            #expect(simulation.map { "\(error)".contains($0.message) } == true, "\(error) does not give the simulation's reason \(String(describing: simulation))")
        }
    }

    @Test("the wire's zeros mean FLuID's power and the plain consensus probabilities")
    func wireZerosAreDefaults() throws {
        var wire = Concord_V2_DistillationSpec(SimulationSettings.standard, transferSource: "moses")
        wire.domainWeightPower = 0; wire.softTemperature = 0; wire.studentWeighting = ""
        guard case .classification(let read) = try DistillationJobSettings(try Self.stored(wire)) else {
            Issue.record("a classification spec was read as another task"); return
        }
        #expect(read.weightPower == Federation.fluidWeightPower)
        #expect(read.soft == StudentTraining.SoftOptions(temperature: 1, weighting: .none))
    }
}
