import Foundation

/// The rule that turns a measured value into a class: active (1) when the value is at most a
/// threshold (K<sub>i</sub>, IC<sub>50</sub> in nM: lower is more potent) or at least one (pIC<sub>50</sub>,
/// pK<sub>i</sub>, % inhibition: higher is more active), inactive (0) otherwise.
public struct ActivityThreshold: Sendable, Hashable, CustomStringConvertible {
    /// Which side of the threshold is active.
    public enum Direction: String, Sendable, Hashable {
        /// Active when value ≤ threshold.
        case below
        /// Active when value ≥ threshold.
        case above
    }

    /// Which side of ``value`` is active.
    public var direction: Direction
    /// The threshold itself (inclusive).
    public var value: Double

    /// Creates a rule.
    public init(_ direction: Direction, _ value: Double) {
        self.direction = direction
        self.value = value
    }

    /// Active when value ≤ `value`.
    public static func below(_ value: Double) -> ActivityThreshold { ActivityThreshold(.below, value) }
    /// Active when value ≥ `value`.
    public static func above(_ value: Double) -> ActivityThreshold { ActivityThreshold(.above, value) }

    /// The rule given by a pair of optional thresholds (`--active-below`, `--active-above`): `nil` when
    /// neither is given.
    /// - Parameter names: how the two settings are spelt where the user gave them (command-line options by
    ///   default; a node's configuration says `active_below` and `active_above`).
    /// - Throws: ``DataError`` `.invalidOption` when both are given or a threshold is not finite.
    public static func from(activeBelow: Double?, activeAbove: Double?,
                            names: (below: String, above: String) = ("--active-below", "--active-above")) throws(DataError) -> ActivityThreshold? {
        switch (activeBelow, activeAbove) {
        case (nil, nil): return nil
        case (.some, .some):
            throw DataError(.invalidOption, "give either \(names.below) or \(names.above), not both")
        case (.some(let v), nil):
            guard v.isFinite else { throw DataError(.invalidOption, "\(names.below) must be a finite number, not \(v)") }
            return .below(v)
        case (nil, .some(let v)):
            guard v.isFinite else { throw DataError(.invalidOption, "\(names.above) must be a finite number, not \(v)") }
            return .above(v)
        }
    }

    /// 1 when `value` is on the active side, 0 otherwise.
    public func label(_ value: Double) -> UInt8 {
        switch direction {
        case .below: value <= self.value ? 1 : 0
        case .above: value >= self.value ? 1 : 0
        }
    }

    /// The threshold as `--active-below` would take it, `nil` for an `above` rule (for stores of the below value alone).
    public var activeBelow: Double? { direction == .below ? value : nil }
    /// The threshold as `--active-above` would take it, `nil` for a `below` rule.
    public var activeAbove: Double? { direction == .above ? value : nil }

    /// `active when value ≤ 100`, naming the value `valueName`.
    public func describe(valueName: String = "value") -> String {
        "active when \(valueName) \(direction == .below ? "≤" : "≥") \(Self.format(value))"
    }

    /// `active when value ≤ 100`.
    public var description: String { describe() }

    /// A threshold without a trailing `.0`.
    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}

/// How the text of a label column becomes a class: 0 or 1 as written, or by an
/// ``ActivityThreshold`` on a measured value (e.g. active when K<sub>i</sub> ≤ 100 nM).
public enum BinaryLabel: Sendable, Hashable {
    /// The class.
    case label(UInt8)
    /// The text is not a finite number.
    case notANumber
    /// A number other than 0 or 1, and no threshold to turn it into a class.
    case notBinary

    /// Reads `raw` (surrounding spaces ignored) with an optional threshold rule.
    public init(parsing raw: String, threshold: ActivityThreshold?) {
        self.init(value: Double(raw.trimmingCharacters(in: .whitespaces)) ?? .nan, threshold: threshold)
    }

    /// Reads a number with an optional threshold rule (``notANumber`` when it is not finite).
    public init(value: Double, threshold: ActivityThreshold?) {
        guard value.isFinite else { self = .notANumber; return }
        if let threshold {
            self = .label(threshold.label(value))
        } else if value == 0 || value == 1 {
            self = .label(UInt8(value))
        } else {
            self = .notBinary
        }
    }

    /// Reads `raw` (surrounding spaces ignored): active when the value is at most `activeBelow`, if given.
    public init(parsing raw: String, activeBelow: Double?) {
        self.init(parsing: raw, threshold: activeBelow.map(ActivityThreshold.below))
    }
}
