import Foundation

/// How the text of a label column becomes a class: 0 or 1 as written, or active (1) when a
/// measured value is at most `activeBelow` (e.g. K<sub>i</sub> ≤ 100 nM) and inactive (0) otherwise.
public enum BinaryLabel: Sendable, Hashable {
    /// The class.
    case label(UInt8)
    /// The text is not a finite number.
    case notANumber
    /// A number other than 0 or 1, and no threshold to turn it into a class.
    case notBinary

    /// Reads `raw` (surrounding spaces ignored).
    public init(parsing raw: String, activeBelow: Double?) {
        guard let value = Double(raw.trimmingCharacters(in: .whitespaces)), value.isFinite else { self = .notANumber; return }
        if let activeBelow {
            self = .label(value <= activeBelow ? 1 : 0)
        } else if value == 0 || value == 1 {
            self = .label(UInt8(value))
        } else {
            self = .notBinary
        }
    }
}
