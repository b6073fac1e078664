import Foundation

/// Number formatting for tables, labels and SVG coordinates (locale-independent).
enum Format {
    /// What a missing or undefined value shows as.
    static let missing = "–"

    /// `value` with `digits` decimals; `nil` and non-finite values are ``missing``; never "-0.00".
    static func fixed(_ value: Double?, _ digits: Int = 3) -> String {
        guard let value, value.isFinite else { return missing }
        let digits = max(0, min(digits, 12))
        let scale = pow(10.0, Double(digits))
        let rounded = (value * scale).rounded() / scale
        let text = String(format: "%.\(digits)f", rounded == 0 ? 0 : rounded)
        return text.replacingOccurrences(of: "-", with: "−")
    }

    /// An integer with thin-space thousands separators, e.g. "12 345".
    static func integer(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "−" : "") + groups.joined(separator: "\u{202F}")
    }

    /// A fraction as a percentage, e.g. 0.273 → "27%"; `nil` and non-finite values are ``missing``.
    static func percent(_ fraction: Double?, digits: Int = 0) -> String {
        guard let fraction, fraction.isFinite else { return missing }
        return fixed(fraction * 100, digits) + "%"
    }

    /// A duration in words: "0.42 s", "12.3 s", "4 min 05 s", "1 h 02 min".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return missing }
        if seconds < 10 { return fixed(seconds, 2) + " s" }
        if seconds < 60 { return fixed(seconds, 1) + " s" }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60) min " + twoDigits(whole % 60) + " s" }
        return "\(whole / 3600) h " + twoDigits((whole % 3600) / 60) + " min"
    }

    /// A compact SVG coordinate: at most one decimal, no trailing ".0".
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (value * 10).rounded()
        if tenths == 0 { return "0" }
        let whole = Int(tenths)
        return whole % 10 == 0 ? String(whole / 10) : String(format: "%.1f", tenths / 10)
    }

    /// A metric's display name: "mcc" → "MCC", "roc_auc" → "ROC-AUC".
    static func metricName(_ key: String) -> String {
        switch key.lowercased() {
        case "mcc": "MCC"
        case "roc_auc": "ROC-AUC"
        case "pr_auc": "PR-AUC"
        case "balanced_accuracy": "balanced accuracy"
        case "f1": "F1"
        case "ppv": "PPV"
        case "npv": "NPV"
        case "brier": "Brier score"
        case "rmse": "RMSE"
        case "mae": "MAE"
        case "r2": "R²"
        case "spearman": "Spearman ρ"
        case "pearson": "Pearson r"
        default: key.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// A byte count in SI units: "812 B", "4.2 kB", "13.1 MB", "2.05 GB".
    static func bytes(_ count: Int64) -> String {
        if count < 1000 { return count < 0 ? missing : "\(count) B" }
        let units = ["kB", "MB", "GB", "TB", "PB"]
        var value = Double(count) / 1000, unit = 0
        while value >= 999.95 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return fixed(value, value < 10 ? 2 : 1) + " " + units[unit]
    }

    /// A Unix time in milliseconds as a UTC date and time, e.g. "2025-03-14 09:26:53 UTC"; 0 or less is ``missing``.
    ///
    /// Computed from the day count (proleptic Gregorian calendar), so it needs no locale or time-zone database.
    static func date(ms: Int64) -> String {
        guard ms > 0 else { return missing }
        let seconds = ms / 1000
        let days = seconds / 86_400, secondOfDay = Int(seconds % 86_400)
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return "\(year)-\(twoDigits(month))-\(twoDigits(day)) \(twoDigits(secondOfDay / 3600)):\(twoDigits(secondOfDay % 3600 / 60)):"
            + "\(twoDigits(secondOfDay % 60)) UTC"
    }

    /// How long ago something happened, in words: "just now", "12 s ago", "4 min ago", "3 h ago", "2 d ago".
    /// Times in the future (clock skew) read "just now".
    static func ago(ms elapsed: Int64) -> String {
        let seconds = elapsed / 1000
        if seconds < 1 { return "just now" }
        if seconds < 60 { return "\(seconds) s ago" }
        if seconds < 3600 { return "\(seconds / 60) min ago" }
        if seconds < 86_400 { return "\(seconds / 3600) h ago" }
        return "\(seconds / 86_400) d ago"
    }

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

/// A byte count in SI units, as the reports write it: "812 B", "4.20 kB", "13.1 MB", "2.05 GB"
/// (for command-line output that should read like the reports).
public func formattedByteCount(_ count: Int) -> String { Format.bytes(Int64(count)) }
