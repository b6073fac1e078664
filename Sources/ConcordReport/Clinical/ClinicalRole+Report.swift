import ConcordClinical

extension ClinicalModelResult.Role {
    /// The colour of the role in charts and tables (Okabe–Ito, as the other reports' roles).
    var colour: String {
        switch self {
        case .federated: "#D55E00"
        case .pooled: "#0072B2"
        case .local: "#56B4E9"
        }
    }

    /// A short name for tables and legends.
    var label: String {
        switch self {
        case .federated: "federated"
        case .pooled: "pooled (all rows in one place)"
        case .local: "one hospital alone"
        }
    }
}

extension ClinicalResults {
    /// The colour of a site: its position among the results' sites in the partner palette.
    func colour(ofSite name: String) -> String {
        Palette.partner(sites.firstIndex(of: name) ?? sites.count)
    }

    /// The summary of a site, when the results record it.
    func summary(ofSite name: String) -> ClinicalSiteSummary? {
        siteSummaries?.first { $0.name == name }
    }
}
