import ConcordFederation

/// Colours of the report: colour-blind-safe sets (Paul Tol's "muted" for partners, Okabe–Ito for roles and series).
///
/// A partner keeps its colour everywhere (map, class balance, contributions): the colour follows
/// the partner's position in the consortium.
enum Palette {
    /// Paul Tol's muted scheme, ordered so neighbours differ in lightness and hue.
    static let partners = ["#332288", "#88CCEE", "#117733", "#DDCC77", "#CC6677", "#44AA99", "#882255", "#999933", "#AA4499"]
    /// Okabe–Ito, for study series.
    static let series = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    static let ink = "#1d2733"
    static let subtle = "#5b6878"
    static let grid = "#e6e9ee"
    static let axis = "#9aa5b1"
    static let transfer = "#b4b9bf"
    static let test = "#111111"
    static let validation = "#6b7280"
    /// Consensus P(active) below 0.5, and at or above it.
    static let inactive = "#56B4E9"
    static let active = "#E69F00"
    static let timing = "#4C6A92"

    /// The colour of the partner at `index` (0-based); cycles past nine partners.
    static func partner(_ index: Int) -> String { partners[((index % partners.count) + partners.count) % partners.count] }

    /// The colour of a study series at `index`.
    static func series(_ index: Int) -> String { series[((index % series.count) + series.count) % series.count] }

    /// The colour of a model role.
    static func role(_ role: ModelRole) -> String {
        switch role {
        case .upperBound: "#0072B2"
        case .teacher: "#56B4E9"
        case .teacherMean: "#8C96A3"
        case .student: "#D55E00"
        case .hybrid: "#009E73"
        case .deployed: "#CC79A7"
        }
    }
}

extension ModelRole {
    /// Report order of the roles.
    static var reportOrder: [ModelRole] { [.upperBound, .teacher, .teacherMean, .student, .hybrid, .deployed] }

    /// A short name for tables and legends.
    var label: String {
        switch self {
        case .upperBound: "upper bound"
        case .teacher: "teacher"
        case .teacherMean: "teacher summary"
        case .student: "student"
        case .hybrid: "hybrid"
        case .deployed: "deployed"
        }
    }

    /// The heading of the role's group in the model table.
    var groupHeading: String {
        switch self {
        case .upperBound: "Upper bound — one model trained on all partners' data"
        case .teacher: "Teachers — each partner's own model"
        case .teacherMean: "Teacher summaries — mean, and each metric's best (T-max) and worst (T-min) partner value, which may come from different teachers"
        case .student: "Students — distilled from consensus labels on the transfer set"
        case .hybrid: "Hybrids — a partner's data plus the student's selection"
        case .deployed: "Deployed — each partner's hybrid or its own teacher, whichever scores the higher MCC on the partner's own validation molecules"
        }
    }
}
