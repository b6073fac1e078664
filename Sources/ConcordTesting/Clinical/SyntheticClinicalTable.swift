public import ConcordClinical
import Foundation
import ConcordML

/// Small synthetic patient tables for the table tests, drawn from a fixed seed: an outcome from a
/// logistic model of `age`, `sex`, `smoker` and `marker`, with about 10% of ages missing.
public enum SyntheticClinicalTable {
    /// One site's rows to draw: its name, its number of rows, and a label forced on every row
    /// (`nil`: drawn from the model; `""`: the label is left empty).
    public struct SiteSpec: Sendable {
        public var name: String, rows: Int, label: String?
        /// A site to draw.
        public init(name: String, rows: Int, label: String? = nil) { self.name = name; self.rows = rows; self.label = label }
    }

    /// A CSV with header `hospital,age,sex,smoker,marker,outcome`.
    public static func csv(_ sites: [SiteSpec], seed: UInt64 = 7) -> String {
        var rng = SeedTree(seed).random
        var lines = ["hospital,age,sex,smoker,marker,outcome"]
        for site in sites {
            for _ in 0..<site.rows {
                let age = 60 + 20 * (rng.nextUnit() - 0.5), male = rng.nextUnit() < 0.5
                let smoker = ["never", "former", "current"][min(2, Int(rng.nextUnit() * 3))]
                let marker = 4 * (rng.nextUnit() - 0.5)
                let z = 0.1 * (age - 60) + (male ? 0.8 : -0.8) + 1.5 * marker + (smoker == "current" ? 1 : 0)
                let drawn = rng.nextUnit() < 1 / (1 + exp(-z)) ? "1" : "0"
                let ageText = rng.nextUnit() < 0.1 ? "" : String(format: "%.1f", age)
                lines.append("\(site.name),\(ageText),\(male ? "M" : "F"),\(smoker),\(String(format: "%.3f", marker)),\(site.label ?? drawn)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table of `csv`, encoded.
    public static func table(_ csv: String, positive: String? = nil, features: [String]? = nil, tasks: [String] = []) throws -> ClinicalTable {
        let source = ClinicalTable.Source(file: URL(fileURLWithPath: "/synthetic.csv"), siteColumn: "hospital", labelColumn: "outcome",
                                          positive: positive, features: features, tasks: tasks)
        return try ClinicalTable(data: Data(csv.utf8), name: "synthetic.csv", source: source)
    }

    /// The sites the robustness tests use: two ordinary sites, one of 5 patients, one with one
    /// class only, one of a single patient, and one whose rows have no label.
    public static let awkward: [SiteSpec] = [
        SiteSpec(name: "north", rows: 90), SiteSpec(name: "south", rows: 70), SiteSpec(name: "tiny", rows: 5),
        SiteSpec(name: "healthy", rows: 20, label: "0"), SiteSpec(name: "single", rows: 1), SiteSpec(name: "unlabelled", rows: 4, label: ""),
    ]
}
