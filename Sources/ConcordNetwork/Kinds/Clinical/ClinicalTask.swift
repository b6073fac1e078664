import ConcordErrors
import ConcordClinical
import ConcordML
import ConcordWire
import Foundation

/// What a clinical job learns from: FLamby's heart-disease benchmark, or the consortium's own
/// tables encoded by a common schema (``SchemaEncoding``). Read from the job's spec by the
/// coordinator and from the job view by each site, so both build the same model.
enum ClinicalTask: Sendable {
    /// The four heart-disease hospitals, encoded and split as FLamby does.
    case heartDisease
    /// Each site's own table, harmonised onto the schema and encoded by it.
    case table(SchemaEncoding)

    /// The `benchmark` value of a job on the consortium's own tables.
    static let tableBenchmark = "table"

    /// The task the fields name.
    /// - Throws: a message naming the field at fault (an unknown benchmark, a schema that does not
    ///   parse or an encoding it cannot give).
    init(benchmark: String, schemaYAML: String, label: String, positive: String, features: [String]) throws(ClinicalTaskProblem) {
        switch benchmark {
        case ClinicalSimulationSettings.Benchmark.heartDisease.rawValue:
            guard schemaYAML.isEmpty, label.isEmpty, positive.isEmpty, features.isEmpty else {
                throw ClinicalTaskProblem(field: "schema_yaml", message: "the heart-disease benchmark has its own schema; schema, label, positive and features are for a 'table' job")
            }
            self = .heartDisease
        case Self.tableBenchmark:
            guard !schemaYAML.isEmpty else { throw ClinicalTaskProblem(field: "schema_yaml", message: "a 'table' job needs the consortium's common schema") }
            do {
                let schema = try CommonSchema(yaml: schemaYAML, file: "the job's schema")
                let outcome = label.isEmpty ? nil : CommonSchema.Outcome(variable: label, positive: positive.isEmpty ? nil : positive)
                self = .table(try SchemaEncoding(schema: schema, outcome: outcome ?? schema.outcome.map {
                    CommonSchema.Outcome(variable: $0.variable, positive: positive.isEmpty ? $0.positive : positive)
                }, features: features.isEmpty ? nil : features))
            } catch {
                throw ClinicalTaskProblem(field: "schema_yaml", message: "the job's schema and outcome", cause: error)
            }
        default:
            throw ClinicalTaskProblem(field: "benchmark", message: "unknown benchmark '\(benchmark)'; a clinical job runs heart-disease or table (the consortium's own tables)")
        }
    }

    init(_ spec: Concord_V2_ClinicalSpec) throws(ClinicalTaskProblem) {
        try self.init(benchmark: spec.benchmark, schemaYAML: spec.schemaYaml, label: spec.label, positive: spec.positive, features: spec.features)
    }

    init(_ view: Concord_V2_ClinicalView) throws(ClinicalTaskProblem) {
        try self.init(benchmark: view.benchmark, schemaYAML: view.schemaYaml, label: view.label, positive: view.positive, features: view.features)
    }

    /// The number of features a site's rows have.
    var featureCount: Int {
        switch self {
        case .heartDisease: HeartDisease.featureNames.count
        case .table(let encoding): encoding.featureNames.count
        }
    }

    /// The job's model: a logistic regression on the features.
    var network: DenseNetwork? { try? DenseNetwork.logisticRegression(inputs: featureCount) }
}

/// Why a clinical job's fields name no task.
struct ClinicalTaskProblem: ConcordError {
    /// The spec field at fault.
    var field: String
    /// What is wrong (without the cause).
    var message: String
    /// The schema's error, if one caused this.
    var cause: (any Error)?

    init(field: String, message: String, cause: (any Error)? = nil) { self.field = field; self.message = message; self.cause = cause }

    var codeName: String { "invalid task" }
    var contextItems: [ErrorContextItem] { [ErrorContextItem("field", field)] }
    /// The message (which names the field), then the cause.
    static var layout: ErrorLayout { .messageOnly }
}
