import Testing
@testable import ConcordClinical

@Suite("Clinical units")
struct ClinicalUnitsTests {
    @Test("cholesterol: 5.0 mmol/L is 193.3 mg/dL (molar mass 386.65 g/mol), and back")
    func cholesterol() throws {
        let mg = try #require(ClinicalUnits.convert(5.0, from: "mmol/L", to: "mg/dL", molarMass: 386.65))
        #expect(abs(mg - 193.325) < 1e-9)
        let back = try #require(ClinicalUnits.convert(mg, from: "mg/dL", to: "mmol/L", molarMass: 386.65))
        #expect(abs(back - 5.0) < 1e-12)
        // Glucose (180.16 g/mol): 5.5 mmol/L is about 99 mg/dL.
        let glucose = try #require(ClinicalUnits.convert(5.5, from: "mmol/L", to: "mg/dL", molarMass: 180.16))
        #expect(abs(glucose - 99.088) < 1e-9)
    }

    @Test("pressure, temperature and mass convert; other pairs do not")
    func others() throws {
        let kPa = try #require(ClinicalUnits.convert(120, from: "mmHg", to: "kPa", molarMass: nil))
        #expect(abs(kPa - 15.9987) < 1e-3)
        let f = try #require(ClinicalUnits.convert(37, from: "°C", to: "°F", molarMass: nil))
        #expect(abs(f - 98.6) < 1e-6)
        #expect(ClinicalUnits.convert(1, from: "mmHg", to: "mg/dL", molarMass: nil) == nil)
        #expect(ClinicalUnits.convert(1, from: "mmol/L", to: "mg/dL", molarMass: nil) == nil)
        #expect(ClinicalUnits.convert(7, from: "beats/min", to: "beats/min", molarMass: nil) == 7)
        #expect(ClinicalUnits.convert(7, from: "beats/min", to: "Hz", molarMass: nil) == nil)
    }

    @Test("integral mg/dL and mmHg survive a round trip through two-decimal SI values", arguments: [0, 85, 132, 233, 603])
    func roundTrip(value: Int) throws {
        let mmol = try #require(ClinicalUnits.convert(Double(value), from: "mg/dL", to: "mmol/L", molarMass: 386.65))
        let written = (mmol * 100).rounded() / 100
        let back = try #require(ClinicalUnits.convert(written, from: "mmol/L", to: "mg/dL", molarMass: 386.65))
        #expect(back.rounded() == Double(value))
        let kPa = try #require(ClinicalUnits.convert(Double(value / 3), from: "mmHg", to: "kPa", molarMass: nil))
        let bp = try #require(ClinicalUnits.convert((kPa * 100).rounded() / 100, from: "kPa", to: "mmHg", molarMass: nil))
        #expect(bp.rounded() == Double(value / 3))
    }
}
