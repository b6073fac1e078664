import ConcordChem
import ConcordClinical
import ConcordData
import ConcordErrors
import ConcordFederation
import ConcordML
import ConcordNetwork
import ConcordPrivacy
import ConcordSecurity
import ConcordStorage
import ConcordWire
import Testing

@Suite("Every library error is a ConcordError")
struct ConformanceTests {
    /// Every public error type of the libraries: this list compiles only while each conforms.
    static let types: [any ConcordError.Type] = [
        ChemError.self, MolBlockError.self,
        SplitError.self, LinearModelError.self, ModelFileError.self, MetricError.self, NeighborSearchError.self,
        FingerprintDatasetError.self, ClusteringError.self, ForestError.self, MLPError.self,
        DataError.self, RecordError.self,
        FederationError.self, JobError.self,
        SecurityError.self, WireError.self, StorageError.self,
        NodeError.self, CoordinatorRefusal.self, ConfigError.self,
        ClinicalDataError.self, FederatedLearningError.self,
        PrivacyError.self,
    ]

    /// One error of each type, with context where the type has it.
    static let samples: [any ConcordError] = [
        ChemError(.syntax, "unexpected ')'", position: 4), MolBlockError(.truncated, "the bond block ends early", line: 9, record: 2),
        SplitError.invalidFraction(1.5), LinearModelError(.empty, "no rows"), ModelFileError.wrongKind(found: "rf", expected: "mlp"),
        MetricError.nonFinite(index: 3), NeighborSearchError(.invalidOption, "k must not be negative"),
        FingerprintDatasetError(.lengthMismatch, "2 labels for 3 fingerprints"), ClusteringError(.invalidOption, "no clusters"),
        ForestError.invalidLabel(row: 2, value: 3), MLPError(.bitCountMismatch, "wrong width"),
        DataError(.malformed, "not a number", file: "x.csv", line: 3, column: "pIC50"), RecordError(line: 12, position: 7, reason: "bad ring"),
        FederationError.invalidSetting("too small", field: "transferSize"), JobError(code: .finished, message: "the job is complete", context: .init(job: "j-1")),
        SecurityError.notEnrolled(party: "eve"), WireError.tooLarge("chunk 3: 9 MB"), StorageError(code: .notFound, message: "no such job", context: .init(job: "j-1")),
        NodeError("cannot start", code: .configuration, context: .init(field: "data")), CoordinatorRefusal(.notFound, "no job j-1", context: .init(job: "j-1")),
        ConfigError(path: "node.yaml", reason: "missing key 'partner'"),
        ClinicalDataError(.malformedInput, "ragged row", context: .init(site: "north", file: "a.csv", line: 4)),
        FederatedLearningError(.empty, "no sites", context: .init(round: 2)), PrivacyError(.invalidParameter, "δ must lie in (0, 1)", context: .init(parameter: "delta", value: 2)),
    ]

    @Test("the list names each error type once, and there is a sample of each")
    func list() {
        let names = Self.types.map { String(describing: $0) }
        #expect(Set(names).count == names.count)
        #expect(Set(Self.samples.map { String(describing: type(of: $0)) }) == Set(names))
    }

    @Test("every error has a code name and a message, and describes itself by its type's layout")
    func described() {
        for error in Self.samples {
            #expect(!error.codeName.isEmpty && !error.message.isEmpty, "\(type(of: error))")
            let layout = type(of: error).layout
            #expect(error.description == layout.describe(codeName: error.codeName, message: error.message, context: error.contextItems, cause: error.cause))
            #expect(error.description.contains(error.message), "\(type(of: error)): \(error)")
        }
    }

    @Test("context values are kept for programs: job, partner, chunk, field, file, line")
    func contextKept() {
        func items(_ error: any ConcordError) -> [String: String] {
            Dictionary(error.contextItems.map { ($0.label, $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        #expect(items(DataError(.malformed, "m", file: "x.csv", line: 3, column: "pIC50")) == ["file": "x.csv", "line": "3", "column": "pIC50"])
        #expect(items(CoordinatorRefusal(.invalidArgument, "m", context: .init(job: "j", partner: "p", chunk: 3, field: "f")))
                == ["job": "j", "partner": "p", "chunk": "3", "field": "f"])
        #expect(items(StorageError(code: .invalidArgument, message: "m", context: .init(job: "j", index: 2))) == ["job": "j", "chunk": "2"])
        #expect(items(ChemError(.valence, "m", position: 5, atomIndex: 1)) == ["position": "5", "atom": "1"])
        #expect(items(ConfigError(path: "node.yaml", reason: "r")) == ["path": "node.yaml"])
    }

    @Test("the printed wording of the existing layouts is kept")
    func wording() {
        #expect(DataError(.malformed, "not a number", file: "x.csv", line: 3, column: "pIC50").description == "x.csv:3: not a number")
        #expect(RecordError(line: 12, position: 7, reason: "bad ring").description == "line 12, position 7: bad ring")
        #expect(MolBlockError(.truncated, "ends early", line: 9, record: 2).description == "record 2, line 9: ends early")
        #expect(ChemError(.valence, "too many bonds", atomIndex: 1).description == "atom 1: too many bonds")
        #expect(ClinicalDataError(.malformedInput, "ragged row", context: .init(site: "north", file: "a.csv", line: 4, column: "age")).description
                == "site north, a.csv:4, column 'age': ragged row")
        #expect(PrivacyError(.invalidParameter, "δ must lie in (0, 1)", context: .init(parameter: "delta", value: 2)).description
                == "δ must lie in (0, 1) (parameter delta, value 2.0)")
        #expect(ConfigError(path: "node.yaml", reason: "", cause: WireError.tooLarge("x")).description == "node.yaml: too large: x")
        #expect(SecurityError.io(path: "a.key", reason: "cannot write", cause: WireError.inconsistent("x")).description
                == "a.key: cannot write. (cause: inconsistent: x)")
    }
}
