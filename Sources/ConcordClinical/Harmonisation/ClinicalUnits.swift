public import Foundation

/// The units a mapping may convert between, resolved to Foundation `Dimension`s so that every
/// conversion goes through `Measurement`.
///
/// Known symbols: mass concentration `mg/dL`, `mg/L`, `g/L`, `g/dL` and, given the substance's
/// molar mass, `mmol/L` and `µmol/L` (also spelled `umol/L`); pressure `mmHg`, `kPa`, `Pa`;
/// temperature `°C`, `°F`; mass `kg`, `g`, `lb`; length `m`, `cm`, `mm`, `in`. Any other unit is a
/// label: it may only be "converted" to itself.
///
/// Molar units are built as `UnitConcentrationMass` with a linear converter of
/// molar mass / 1000 g/L per mmol/L. Foundation's own `millimolesPerLiter(withGramsPerMole:)`
/// is not used: swift-corelibs-foundation scales it by 18 × the molar mass, which turns 1 mmol/L
/// of cholesterol into 6,960 g/L instead of 0.387 g/L.
public enum ClinicalUnits {
    /// Whether `symbol` is a unit Concord can convert (rather than a label).
    public static func isConvertible(_ symbol: String) -> Bool { family(symbol) != nil }

    /// The Foundation dimension for `symbol`, or `nil` when it is unknown (or molar without a molar mass).
    public static func dimension(_ symbol: String, molarMass: Double? = nil) -> Dimension? {
        switch symbol.trimmingCharacters(in: .whitespaces) {
        case "mg/dL", "mg/dl": return UnitConcentrationMass.milligramsPerDeciliter
        case "g/L", "g/l": return UnitConcentrationMass.gramsPerLiter
        case "mg/L", "mg/l": return UnitConcentrationMass(symbol: "mg/L", converter: UnitConverterLinear(coefficient: 0.001))
        case "g/dL", "g/dl": return UnitConcentrationMass(symbol: "g/dL", converter: UnitConverterLinear(coefficient: 10))
        case "mmol/L", "mmol/l": return molar("mmol/L", perMole: 1e-3, molarMass: molarMass)
        case "µmol/L", "umol/L", "µmol/l", "umol/l": return molar("µmol/L", perMole: 1e-6, molarMass: molarMass)
        case "mmHg": return UnitPressure.millimetersOfMercury
        case "kPa": return UnitPressure.kilopascals
        case "Pa": return UnitPressure.newtonsPerMetersSquared
        case "°C", "degC": return UnitTemperature.celsius
        case "°F", "degF": return UnitTemperature.fahrenheit
        case "kg": return UnitMass.kilograms
        case "g": return UnitMass.grams
        case "lb": return UnitMass.pounds
        case "m": return UnitLength.meters
        case "cm": return UnitLength.centimeters
        case "mm": return UnitLength.millimeters
        case "in": return UnitLength.inches
        default: return nil
        }
    }

    /// Whether values in `source` can be expressed in `target`: the same symbol, or two known
    /// units of one dimension (molar units need `molarMass`).
    public static func compatible(_ source: String, _ target: String, molarMass: Double?) -> Bool {
        if source == target { return true }
        guard let a = family(source), a == family(target) else { return false }
        return dimension(source, molarMass: molarMass) != nil && dimension(target, molarMass: molarMass) != nil
    }

    /// `value` in `source` expressed in `target`, through `Measurement.converted(to:)`;
    /// `nil` when the units are not ``compatible(_:_:molarMass:)``.
    public static func convert(_ value: Double, from source: String, to target: String, molarMass: Double?) -> Double? {
        if source == target { return value }
        guard compatible(source, target, molarMass: molarMass),
              let from = dimension(source, molarMass: molarMass), let to = dimension(target, molarMass: molarMass) else { return nil }
        return Measurement(value: value, unit: from).converted(to: to).value
    }

    private static func molar(_ symbol: String, perMole: Double, molarMass: Double?) -> Dimension? {
        guard let molarMass, molarMass > 0, molarMass.isFinite else { return nil }
        return UnitConcentrationMass(symbol: symbol, converter: UnitConverterLinear(coefficient: molarMass * perMole))
    }

    /// The dimension a known symbol belongs to; molar units count as mass concentration.
    private static func family(_ symbol: String) -> String? {
        switch symbol.trimmingCharacters(in: .whitespaces) {
        case "mg/dL", "mg/dl", "g/L", "g/l", "mg/L", "mg/l", "g/dL", "g/dl", "mmol/L", "mmol/l", "µmol/L", "umol/L", "µmol/l", "umol/l":
            "concentration"
        case "mmHg", "kPa", "Pa": "pressure"
        case "°C", "degC", "°F", "degF": "temperature"
        case "kg", "g", "lb": "mass"
        case "m", "cm", "mm", "in": "length"
        default: nil
        }
    }
}
