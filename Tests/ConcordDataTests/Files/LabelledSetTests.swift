import ConcordData
import Foundation
import Testing

@Suite("Labelled sets: one loader for classes and measured values")
struct LabelledSetTests {
    /// A CSV with a value column, a split column and one unusable label.
    static func file() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("labelled-\(UUID().uuidString).csv").path
        try """
            smiles,ki,split
            CCO,50,train
            c1ccccc1,500,test
            CCN,n/a,train
            CC(=O)O,5,train
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("classes by a threshold, with the unreadable label skipped and named by its line")
    func classes() async throws {
        let path = try Self.file()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = LabelledSet.Source.file(path: path, columns: .init(smiles: "smiles", id: nil), labelColumn: "ki", splitColumn: "split")
        let set = try await LabelledSet.load(source, labels: .classes, threshold: .below(100))
        #expect(set.classes == [1, 0, 1])
        #expect(set.values == nil)
        #expect(set.isTest == [false, true, false])
        #expect(set.smiles == ["CCO", "c1ccccc1", "CC(=O)O"])
        #expect(set.skipped == ["line 4: label 'n/a' is not a number"])
        await #expect(throws: DataError.self) { try await LabelledSet.load(source, labels: .classes, threshold: nil) }
    }

    @Test("measured values keep every readable value, classed by the threshold when there is one")
    func values() async throws {
        let path = try Self.file()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = LabelledSet.Source.file(path: path, columns: .init(smiles: "smiles", id: nil), labelColumn: "ki", splitColumn: nil)
        let set = try await LabelledSet.load(source, labels: .values, threshold: nil)
        #expect(set.values == [50, 500, 5])
        #expect(set.classes == [0, 0, 0])
        #expect(set.isTest == nil)
        #expect(set.skipped == ["line 4: value 'n/a' is not a number"])
        #expect(set.molecules.allSatisfy { if case .success = $0 { true } else { false } })
    }
}
