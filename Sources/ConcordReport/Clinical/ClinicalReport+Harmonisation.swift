import ConcordClinical

extension HTMLReport {
    /// What harmonising each hospital's export onto the common schema did: rows read, kept and
    /// dropped, values that could not be used by column, missing values by variable, and the
    /// export's columns nobody asked for.
    static func clinicalHarmonisation(_ r: ClinicalResults) -> String {
        guard let sites = r.harmonisation, !sites.isEmpty else {
            return section(id: "harmonisation", title: "Harmonisation",
                           body: HTML.empty("No export was harmonised in this run: the table was read whole and encoded as described in the notes."))
        }
        let lead = "Each hospital exported its table in its own dialect (column names, codes, units, missing-value markers) and harmonised it "
            + "onto the common schema with its own mapping before anything was learnt. These are the counts it reported; the rows and values "
            + "behind them, with their line numbers, stay in each hospital's own validation report."
        func list(_ counts: [String: Int]) -> String {
            let parts = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\(HTML.escape($0.key)) \(Format.integer($0.value))" }
            return parts.isEmpty ? "—" : parts.joined(separator: ", ")
        }
        let head = "<tr><th>Hospital</th><th class=\"num\">Rows read</th><th class=\"num\">Kept</th><th class=\"num\">Dropped</th>"
            + "<th>Unusable values, by column</th><th>Missing values, by variable</th><th>Unused columns</th></tr>"
        let body = sites.map { s in
            "<tr><td>\(HTML.escape(s.site))</td><td class=\"num\">\(Format.integer(s.rowsRead))</td><td class=\"num\">\(Format.integer(s.rowsKept))</td>"
                + "<td class=\"num\">\(Format.integer(s.rowsDropped))</td><td>\(list(s.problemsByColumn))</td><td>\(list(s.missingByVariable))</td>"
                + "<td>\(s.unusedColumns.isEmpty ? "—" : s.unusedColumns.map(HTML.escape).joined(separator: ", "))</td></tr>"
        }.joined()
        let table = "<div class=\"table-wrap\"><table class=\"harmonisation\"><thead>\(head)</thead><tbody>\(body)</tbody></table></div>"
        return section(id: "harmonisation", title: "Harmonisation", lead: lead, body: table
            + "<p class=\"note\">Unusable values are values the mapping could not read or that lie outside the schema's range. "
            + "A row is dropped when a required variable is missing or unusable; a missing optional value is kept "
            + "and imputed by federated preprocessing.</p>")
    }
}
