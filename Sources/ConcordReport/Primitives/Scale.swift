import Foundation

/// A map from data values to pixel positions, linear or logarithmic, with its ticks.
struct Scale: Sendable, Equatable {
    /// How values map to positions.
    enum Kind: Sendable, Equatable { case linear, log }

    var kind: Kind
    /// Data interval (for a log scale both ends are > 0).
    var domain: ClosedRange<Double>
    /// Pixel positions of the domain's lower and upper ends (the upper may be smaller, as on a y axis).
    var range: (Double, Double)
    /// Tick values inside the domain.
    var ticks: [Double]

    static func == (a: Scale, b: Scale) -> Bool {
        a.kind == b.kind && a.domain == b.domain && a.range == b.range && a.ticks == b.ticks
    }

    /// The position of `value`; a log scale clamps non-positive values to the domain's lower end.
    func callAsFunction(_ value: Double) -> Double {
        let t: Double
        switch kind {
        case .linear:
            let span = domain.upperBound - domain.lowerBound
            t = span == 0 ? 0.5 : (value - domain.lowerBound) / span
        case .log:
            let lo = log10(domain.lowerBound), hi = log10(domain.upperBound)
            let v = value > 0 ? log10(value) : lo
            t = hi == lo ? 0.5 : (v - lo) / (hi - lo)
        }
        return range.0 + t * (range.1 - range.0)
    }

    /// `value` limited to the domain.
    func clamp(_ value: Double) -> Double { min(max(value, domain.lowerBound), domain.upperBound) }

    /// The label of a tick.
    func label(_ tick: Double) -> String {
        switch kind {
        case .linear: Ticks.label(tick, step: ticks.count > 1 ? abs(ticks[1] - ticks[0]) : 1)
        case .log: Ticks.logLabel(tick)
        }
    }

    /// A linear scale whose domain is the nice ticks covering `values` (and 0 when `includeZero`).
    static func linear(covering values: [Double], range: (Double, Double), includeZero: Bool = false, count: Int = 5) -> Scale {
        var finite = values.filter(\.isFinite)
        if includeZero || finite.isEmpty { finite.append(0) }
        let ticks = Ticks.nice(finite.min() ?? 0, finite.max() ?? 1, count: count)
        return Scale(kind: .linear, domain: (ticks.first ?? 0)...(ticks.last ?? 1), range: range, ticks: ticks)
    }

    /// A linear scale over a fixed domain with nice ticks inside it.
    static func linear(domain: ClosedRange<Double>, range: (Double, Double), count: Int = 5) -> Scale {
        let ticks = Ticks.nice(domain.lowerBound, domain.upperBound, count: count)
            .filter { $0 >= domain.lowerBound - 1e-9 && $0 <= domain.upperBound + 1e-9 }
        return Scale(kind: .linear, domain: domain, range: range, ticks: ticks)
    }

    /// A log scale whose domain is the log ticks covering the positive `values`.
    static func log(covering values: [Double], range: (Double, Double)) -> Scale {
        let positive = values.filter { $0.isFinite && $0 > 0 }
        let ticks = Ticks.log(positive.min() ?? 1, positive.max() ?? 10)
        return Scale(kind: .log, domain: (ticks.first ?? 1)...(ticks.last ?? 10), range: range, ticks: ticks)
    }

    /// Whether values this spread read better on a log axis: all positive and max / min ≥ `ratio`.
    static func prefersLog(_ values: [Double], ratio: Double = 50) -> Bool {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max(), lo > 0 else { return false }
        return hi / lo >= ratio
    }
}
