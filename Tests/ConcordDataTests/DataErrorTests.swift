import Foundation
import Testing

@testable import ConcordData

@Suite("Data errors")
struct DataErrorTests {
    struct Underlying: Error, CustomStringConvertible {
        var description: String { "disk on fire" }
    }

    @Test("code, file, line, column and cause survive; the description reads like a compiler's")
    func survives() {
        let error = DataError(.malformed, "bad value", file: "x.csv", line: 3, column: "smiles", cause: Underlying())
        #expect(error.code == .malformed)
        #expect(error.file == "x.csv" && error.line == 3 && error.column == "smiles")
        #expect(error.cause is Underlying)
        #expect(error.description == "x.csv:3: bad value (disk on fire)")
        #expect(error == DataError(.malformed, "bad value", file: "x.csv", line: 3, column: "smiles"))
        #expect(DataError(.io, "read failed").description == "read failed")
    }

    @Test("a file that cannot be read keeps Foundation's error as the cause, shown by its localized description")
    func foundationCause() throws {
        let missing = FileManager.default.temporaryDirectory.appending(path: "concord-missing-\(UUID().uuidString).smi")
        let error = #expect(throws: DataError.self) { try MoleculeFile.read(missing) }
        #expect(error?.file == missing.path)
        let cause = try #require(error?.cause)
        #expect(error?.message.contains(cause.localizedDescription) == false)
        #expect(error?.description.contains(cause.localizedDescription) == true)
    }
}
