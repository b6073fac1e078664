import Testing
@testable import ConcordData

@Suite("Binary labels")
struct BinaryLabelTests {
    @Test func zeroAndOneAsWrittenOrAThresholdOnAMeasuredValue() {
        #expect(BinaryLabel(parsing: " 1 ", activeBelow: nil) == .label(1))
        #expect(BinaryLabel(parsing: "0.0", activeBelow: nil) == .label(0))
        #expect(BinaryLabel(parsing: "2", activeBelow: nil) == .notBinary)
        #expect(BinaryLabel(parsing: "100", activeBelow: 100) == .label(1), "at the threshold is active")
        #expect(BinaryLabel(parsing: "100.5", activeBelow: 100) == .label(0))
        #expect(BinaryLabel(parsing: "n/a", activeBelow: 100) == .notANumber)
        #expect(BinaryLabel(parsing: "nan", activeBelow: nil) == .notANumber)
        #expect(BinaryLabel(parsing: "inf", activeBelow: 100) == .notANumber)
    }
}

@Suite("Activity thresholds: active below or above a measured value")
struct ActivityThresholdTests {
    @Test("below: value ≤ t is active; above: value ≥ t is active; both inclusive")
    func directions() {
        let below = ActivityThreshold.below(100), above = ActivityThreshold.above(6)
        #expect(below.label(100) == 1 && below.label(99.9) == 1 && below.label(100.1) == 0)
        #expect(above.label(6) == 1 && above.label(7.19) == 1 && above.label(5.99) == 0)
        #expect(BinaryLabel(parsing: " 7.19 ", threshold: above) == .label(1))
        #expect(BinaryLabel(parsing: "5.2", threshold: above) == .label(0))
        #expect(BinaryLabel(parsing: "5.2", threshold: below) == .label(1))
        #expect(BinaryLabel(parsing: "n/a", threshold: above) == .notANumber)
        #expect(BinaryLabel(parsing: "7.19", threshold: nil) == .notBinary)
    }

    @Test("the rule says which direction it uses")
    func description() {
        #expect(ActivityThreshold.above(6).describe(valueName: "pIC50") == "active when pIC50 ≥ 6")
        #expect(ActivityThreshold.below(100).description == "active when value ≤ 100")
        #expect(ActivityThreshold.above(6.5).description == "active when value ≥ 6.5")
    }

    @Test("from the two options: neither, one of them, never both, never a non-finite value")
    func fromOptions() throws {
        #expect(try ActivityThreshold.from(activeBelow: nil, activeAbove: nil) == nil)
        #expect(try ActivityThreshold.from(activeBelow: 100, activeAbove: nil) == .below(100))
        #expect(try ActivityThreshold.from(activeBelow: nil, activeAbove: -1.5) == .above(-1.5))
        #expect(throws: DataError.self) { try ActivityThreshold.from(activeBelow: 100, activeAbove: 6) }
        #expect(throws: DataError.self) { try ActivityThreshold.from(activeBelow: nil, activeAbove: .infinity) }
        do {
            _ = try ActivityThreshold.from(activeBelow: 100, activeAbove: 6)
        } catch {
            #expect(error.code == .invalidOption && error.message.contains("not both"))
        }
    }
}

@Suite("Label columns")
struct LabelColumnTests {
    static func records(_ values: [String], column: String = "pIC50") -> [MoleculeRecord] {
        values.enumerated().map { i, v in
            MoleculeRecord(id: "m\(i)", line: i + 2, structure: .smiles("CCO"), properties: [column: v, "name": "x"])
        }
    }

    @Test("a missing column is named with every column of the file, SMILES and id columns included")
    func missingColumn() throws {
        let records = Self.records(["1", "0"])
        do {
            _ = try LabelColumn.values(of: records, column: "activity", columns: .init(smiles: "smiles", id: "id"), file: "my.csv")
            Issue.record("a missing column was accepted")
        } catch {
            #expect(error.code == .missingColumn)
            #expect(error.description == "my.csv: no column named 'activity'; the columns are: smiles, id, name, pIC50")
        }
    }

    @Test("the column is found case-insensitively and read in record order")
    func values() throws {
        #expect(try LabelColumn.values(of: Self.records(["7.1", "5"]), column: "pic50") == ["7.1", "5"])
        #expect(try LabelColumn.values(of: [], column: "anything") == [])
    }

    @Test("measured values without a threshold are refused once, with examples and the ways out")
    func continuousColumn() throws {
        let raws = ["7.19", "6.5", "7.19", "n/a", "8.02", "5.1", "4.4", "1", "0"]
        do {
            try LabelColumn.requireClasses(raws, column: "pIC50", file: "my.csv")
            Issue.record("a continuous column passed as classes")
        } catch {
            #expect(error.code == .invalidOption)
            #expect(error.message.contains("label column 'pIC50' holds measured values (e.g. 7.19, 6.5, 8.02, 5.1)"), "\(error.message)")
            for hint in ["--active-below", "--active-above", "--task regression"] { #expect(error.message.contains(hint)) }
        }
    }

    @Test("a column of classes with a stray value passes (that row is skipped later, named)")
    func classes() throws {
        try LabelColumn.requireClasses(["1", "0", "maybe", "7", "1", "0"], column: "label")
        try LabelColumn.requireClasses(["1", "0", " 1 ", "0.0"], column: "label")
        try LabelColumn.requireClasses([], column: "label")
        #expect(LabelColumn.looksBinary([0, 1, 1]))
        #expect(!LabelColumn.looksBinary([0, 1, 7.19]))
        #expect(!LabelColumn.looksBinary([]))
    }
}
