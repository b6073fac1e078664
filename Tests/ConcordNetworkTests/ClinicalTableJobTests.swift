import ConcordClinical
import ConcordML
import ConcordTesting
import ConcordWire
import ConcordStorage
import SwiftProtobuf
import Foundation
import Logging
import Testing
@testable import ConcordNetwork

/// A clinical job on the consortium's own tables (grpc-swift's in-process transport): each site's
/// node holds only its own rows, harmonises them onto the job's schema and encodes them from it.
@Suite("Clinical job on the sites' own tables")
struct ClinicalTableJobTests {
    /// Five sites: two ordinary, one of 5 patients, one with one class only, one of a single patient.
    static func table() throws -> ClinicalTable {
        try SyntheticClinicalTable.table(SyntheticClinicalTable.csv(SyntheticClinicalTable.awkward))
    }

    static func spec(_ table: ClinicalTable, partners: [String], rounds: UInt32 = 4, seed: UInt64 = 3) throws -> Concord_V2_JobSpec {
        var spec = Concord_V2_JobSpec()
        spec.name = "own tables"
        spec.partners = partners
        spec.seed = seed
        var clinical = Concord_V2_ClinicalSpec()
        clinical.benchmark = "table"
        clinical.strategy = "fedavg"
        clinical.rounds = rounds
        clinical.schemaYaml = try table.schema.yaml()
        spec.kind = .clinical(clinical)
        return spec
    }

    @Test("Sites holding only their own rows train the model the whole table's simulation trains, bit for bit; awkward sites take part")
    func equalsSimulation() async throws {
        let table = try Self.table()
        let temporary = try TemporaryDirectory()
        var logger = Logger(label: "test.clinical-table")
        logger.logLevel = .warning
        let consortium = try InProcessConsortium(directory: temporary.url, table: table, logger: logger)
        let partners = consortium.nodes.map(\.partner)
        #expect(partners == table.sites.map(\.name), "the sites' names are already partner names")
        let run = try await consortium.run(try Self.spec(table, partners: partners))
        #expect(run.status.phase == "complete", "\(run.status.message)")
        let stored = try await consortium.engine.fetch(partner: partners[0], jobID: run.status.jobID, artifact: ClinicalJob.Artifact.model)
        let model = try Concord_V2_ClinicalModel(serializedBytes: stored.artifact.data)

        // The same federation in one process, from the whole table.
        let sites = try table.split().sites
        let global = try Standardiser(merging: sites.map(\.summaries))
        let prepared = try sites.map { try $0.prepared($0.standardiser(global: global, preset: .concord)).site }
        let network = try DenseNetwork.logisticRegression(inputs: table.featureNames.count)
        let configuration = try ClinicalSimulation.federatedConfiguration(strategy: "fedavg", preset: .concord, rounds: 4, network: network,
                                                                          initial: ClinicalSimulation.initialParameters(network, preset: .concord, seed: 3), seed: 3)
        let expected = try await FederatedTraining.run(sites: prepared, configuration: configuration)
        #expect(model.parameters == expected.finalParameters)

        let settings = ClinicalSimulationSettings(strategy: "fedavg", rounds: 4, seeds: [3], shapley: false)
        let simulated = try await ClinicalSimulation.run(settings: settings, table: table)
        let federated = try #require(simulated.models.first { $0.role == .federated })
        #expect(run.status.clinical.meanClientAccuracy == federated.test.meanClient.accuracy)
        #expect(run.status.clinical.pooledAccuracy == federated.test.pooled.accuracy)
        #expect(run.status.clinical.pooledRocAuc == federated.test.pooled.rocAUC)
    }

    @Test("A node whose own schema differs from the job's takes no part, and says why")
    func schemaMismatch() throws {
        let table = try Self.table()
        let temporary = try TemporaryDirectory()
        let files = try table.writeConsortium(to: temporary.url)
        var changed = try table.schema
        changed.variables.removeLast(2)
        changed.variables.append(try #require(table.schema.variable("outcome")))
        let mine = temporary.url.appendingPathComponent("mine.yaml")
        try changed.yaml().write(to: mine, atomically: true, encoding: .utf8)
        let site = files.sites[0]
        var config = NodeConfig(partner: site.partner, coordinator: Endpoint(host: "in-process", port: 0), tls: TLSFiles(directory: "unused"),
                                clinical: .init(path: site.table.path, mapping: site.mapping.path, schema: mine.path), state: "unused", audit: "unused")
        config.base = temporary.url
        let task = ClinicalTask.table(try SchemaEncoding(schema: try table.schema))
        let error = try #require(throws: NodeError.self) { try ClinicalPartner.load(try #require(config.clinical), task: task, config: config, jobID: "j") }
        #expect(error.context.field == "clinical.schema" && error.message.contains("not the schema this site agreed to"), "\(error)")
        #expect(ClinicalPartner.withdrawal(for: error) == .schema, "the reason it would give the coordinator")
        // Without a schema of its own, or with the job's, it loads its rows.
        config.clinical?.schema = files.schema.path
        #expect(try ClinicalPartner.load(try #require(config.clinical), task: task, config: config, jobID: "j").data.name == site.name)
    }

    @Test("A table job without a schema, with an outcome the schema lacks, or a heart-disease job with a schema is refused naming the field")
    func specRefusals() async throws {
        let table = try Self.table()
        let temporary = try TemporaryDirectory()
        let consortium = try InProcessConsortium(directory: temporary.url, table: table)
        func refusal(_ change: (inout Concord_V2_ClinicalSpec) -> Void) async throws -> CoordinatorRefusal {
            var spec = try Self.spec(table, partners: consortium.nodes.map(\.partner))
            if case .clinical(var c)? = spec.kind { change(&c); spec.kind = .clinical(c) }
            do { _ = try await consortium.engine.submitJob(spec) } catch { return error }
            Issue.record("the job was accepted")
            return CoordinatorRefusal(.internalError, "accepted")
        }
        #expect(try await refusal { $0.schemaYaml = "" }.context.field == "schema_yaml")
        #expect(try await refusal { $0.label = "weight" }.message.contains("weight"))
        #expect(try await refusal { $0.features = ["outcome"] }.context.field == "schema_yaml")
        #expect(try await refusal { $0.schemaYaml = "variables: [" }.context.field == "schema_yaml")
        #expect(try await refusal { $0.benchmark = "heart-disease" }.context.field == "schema_yaml")
        #expect(try await refusal { $0.benchmark = "mimic" }.context.field == "benchmark")
    }
}
