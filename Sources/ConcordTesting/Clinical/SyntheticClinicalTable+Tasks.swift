import Foundation

extension SyntheticClinicalTable {
    /// `csv` (from ``csv(_:seed:)``) with two extra outcome columns: `readmitted` (`yes`/`no`,
    /// from the marker and smoking; empty on every 7th row) and `stay` (days, continuous, from the
    /// marker, sex and age; empty on every row of `noStay`).
    public static func withTasks(_ csv: String, noStay: String? = nil) -> String {
        var lines = csv.split(separator: "\n").map(String.init)
        guard !lines.isEmpty else { return csv }
        lines[0] += ",readmitted,stay"
        for i in lines.indices.dropFirst() {
            let f = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6 else { continue }
            let marker = Double(f[4]) ?? 0, age = Double(f[1]) ?? 60
            let readmitted = i % 7 == 0 ? "" : (marker + (f[3] == "current" ? 0.8 : 0) > 0.3 ? "yes" : "no")
            let stay = 6 + 2 * marker + (f[2] == "M" ? 1 : 0) + 0.05 * (age - 60) + 0.3 * sin(Double(i))
            lines[i] += ",\(readmitted),\(f[0] == noStay ? "" : String(format: "%.2f", stay))"
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
