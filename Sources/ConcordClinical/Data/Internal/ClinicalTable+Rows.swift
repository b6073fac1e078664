import ConcordData

extension ClinicalTable {
    /// The site, label and feature columns of a table.
    struct Layout {
        var site: Int, label: Int, features: [Int], tasks: [Int] = []

        /// Finds the source's columns in `table`.
        /// - Throws: ``ClinicalDataError`` `.malformedInput` for a column that is not there, the
        ///   site and label in one column, or a feature that is the site or label column.
        init(_ table: DelimitedTable, source: Source) throws(ClinicalDataError) {
            let site = try Self.column(source.siteColumn, role: "site", in: table)
            let label = try Self.column(source.labelColumn, role: "label", in: table)
            self.site = site; self.label = label
            guard site != label else {
                throw ClinicalDataError(.malformedInput, "the site and label columns are the same column", context: .init(file: table.name, line: 1, column: table.header[site]))
            }
            var tasks: [Int] = []
            for name in source.tasks {
                let k = try Self.column(name, role: "task", in: table)
                guard k != site, k != label else {
                    throw ClinicalDataError(.malformedInput, "'\(name)' is the \(k == site ? "site" : "label") column; it cannot also be a task column",
                                            context: .init(file: table.name, line: 1, column: name))
                }
                if !tasks.contains(k) { tasks.append(k) }
            }
            self.tasks = tasks
            if let names = source.features {
                var features: [Int] = []
                for name in names {
                    let k = try Self.column(name, role: "feature", in: table)
                    guard k != site, k != label else {
                        throw ClinicalDataError(.malformedInput, "'\(name)' is the \(k == site ? "site" : "label") column; it cannot also be a feature",
                                                context: .init(file: table.name, line: 1, column: name))
                    }
                    guard !tasks.contains(k) else {
                        throw ClinicalDataError(.malformedInput, "'\(name)' is a task column (an outcome); it cannot also be a feature",
                                                context: .init(file: table.name, line: 1, column: name))
                    }
                    if !features.contains(k) { features.append(k) }
                }
                self.features = features
            } else {
                features = table.header.indices.filter { $0 != site && $0 != label && !tasks.contains($0) }
            }
        }

        static func column(_ name: String, role: String, in table: DelimitedTable) throws(ClinicalDataError) -> Int {
            do { return try table.column(name) } catch {
                throw ClinicalDataError(.malformedInput, "no \(role) column named '\(name)'; the columns are: \(table.header.joined(separator: ", "))",
                                        context: .init(file: table.name, line: 1, column: name))
            }
        }
    }

    /// The rows with a site and a label, and what was left out.
    struct LabelledRows {
        /// Kept rows (indices into the table's rows), their sites and labels.
        var kept: [Int] = [], sites: [String] = [], labels: [UInt8] = []
        /// Every site, in order of first appearance, with its number of rows.
        var siteOrder: [String] = [], rowsPerSite: [String: Int] = [:]
        /// Lines of rows without a site, and per site of rows without a label.
        var siteless: [Int] = [], unlabelled: [String: [Int]] = [:]
        var siteColumn = ""

        /// Reads the sites and labels.
        /// - Throws: ``ClinicalDataError`` `.malformedInput` naming the line and value of a label
        ///   that is neither 0 nor 1 (without `positive`), or when no row has the `positive` value.
        init(_ table: DelimitedTable, layout: Layout, positive: String?) throws(ClinicalDataError) {
            siteColumn = table.header[layout.site]
            let positive = positive.map(ClinicalTable.trimmed)
            var seen: Set<String> = []
            for (r, row) in table.rows.enumerated() {
                let site = ClinicalTable.trimmed(row[layout.site]), text = ClinicalTable.trimmed(row[layout.label])
                guard !ClinicalTable.isMissing(site) else { siteless.append(table.lines[r]); continue }
                if seen.insert(site).inserted { siteOrder.append(site) }
                rowsPerSite[site, default: 0] += 1
                guard !ClinicalTable.isMissing(text) else { unlabelled[site, default: []].append(table.lines[r]); continue }
                let label: UInt8
                if let positive {
                    label = text == positive ? 1 : 0
                } else if let v = Double(text), v == 0 || v == 1 {
                    label = v == 1 ? 1 : 0
                } else {
                    throw ClinicalDataError(.malformedInput, "the label '\(text)' is neither 0 nor 1; name the value that means positive with --positive",
                                            context: .init(site: site, file: table.name, line: table.lines[r], column: table.header[layout.label]))
                }
                kept.append(r); sites.append(site); labels.append(label)
            }
            if let positive, !labels.contains(1) {
                let values = Set(kept.map { ClinicalTable.trimmed(table.rows[$0][layout.label]) }).sorted()
                throw ClinicalDataError(.malformedInput, "no row has the positive value '\(positive)'; the column's values are: \(values.prefix(10).joined(separator: ", "))",
                                        context: .init(file: table.name, column: table.header[layout.label]))
            }
        }

        /// Notes on the rows and sites left out.
        func notes(featureless: [String: [Int]], kept: [String: Site], labelColumn: String) -> [String] {
            var notes: [String] = []
            if !siteless.isEmpty {
                notes.append("\(Self.rows(siteless.count)) with no value in the site column '\(siteColumn)' left out (\(Self.lines(siteless)))")
            }
            for site in siteOrder {
                let noLabel = unlabelled[site] ?? [], noFeature = featureless[site] ?? []
                guard !noLabel.isEmpty || !noFeature.isEmpty else { continue }
                var reasons: [String] = []
                if !noLabel.isEmpty { reasons.append("\(noLabel.count) with no label in column '\(labelColumn)'") }
                if !noFeature.isEmpty { reasons.append("\(noFeature.count) with no feature value") }
                let total = rowsPerSite[site] ?? 0
                let where_ = Self.lines((noLabel + noFeature).sorted())
                if kept[site] == nil {
                    notes.append("site '\(site)' is left out: none of its \(Self.rows(total)) is usable (\(reasons.joined(separator: ", ")); \(where_))")
                } else {
                    notes.append("site '\(site)': \(noLabel.count + noFeature.count) of its \(Self.rows(total)) left out (\(reasons.joined(separator: ", ")); \(where_))")
                }
            }
            return notes
        }

        static func rows(_ n: Int) -> String { n == 1 ? "1 row" : "\(n) rows" }

        /// `line 4` or `lines 4, 7, 9, 12, 15, …`.
        static func lines(_ lines: [Int]) -> String {
            let shown = lines.prefix(5).map(String.init).joined(separator: ", ")
            return (lines.count == 1 ? "line " : "lines ") + shown + (lines.count > 5 ? ", …" : "")
        }
    }
}
