public import Foundation
import ConcordData
public import ConcordML

/// A user's own patient table, encoded for the clinical simulation: one row per patient, a
/// column naming the patient's site, a binary outcome, and features.
///
/// The encoding, in order:
/// - a row without a site or without a label is left out (and counted in ``notes``);
/// - a label is 0 or 1 (any numeric spelling, such as `1.0`), or, with ``Source/positive``, 1
///   where it equals that value and 0 otherwise; any other value is refused, naming its line;
/// - the features are the ``Source/features`` columns, or every column but the site and label
///   columns, in file order. A column whose observed values all read as finite numbers is
///   numeric; any other is categorical, one-hot encoded over its distinct values sorted by code
///   point with the first level dropped (`pd.get_dummies(drop_first=True)`), named `column=level`;
/// - a missing value (empty, `NA`, `N/A`, `NaN`, `null`, `None`, `?` or `.`) is `NaN`; federated
///   preprocessing imputes it with the federation's mean. A row with no observed feature is left out.
///
/// Sites are in the order of their names (as a networked job orders its partners, so the same
/// seed gives the same model in both). The table is read whole, as a
/// simulation does; in a real federation each site would hold only its own rows.
public struct ClinicalTable: Sendable, Hashable {
    /// Where the table is and how to read it.
    public struct Source: Sendable, Hashable {
        /// The CSV (or TSV) file.
        public var file: URL
        /// The column naming each row's site.
        public var siteColumn: String
        /// The column holding the binary outcome.
        public var labelColumn: String
        /// The label value that means positive (`nil`: labels must be 0 or 1).
        public var positive: String?
        /// The feature columns (`nil`: every column but the site and label columns).
        public var features: [String]?
        /// The `random_state` of each site's stratified 66/34 split (FLamby's 43 by default).
        public var splitRandomState: UInt32
        /// Extra outcome columns, one model head each (see ``Task``); none of them may be a feature.
        public var tasks: [String]

        /// A source.
        public init(file: URL, siteColumn: String, labelColumn: String, positive: String? = nil, features: [String]? = nil,
                    splitRandomState: UInt32 = HeartDisease.randomState, tasks: [String] = []) {
            self.file = file; self.siteColumn = siteColumn; self.labelColumn = labelColumn
            self.positive = positive; self.features = features; self.splitRandomState = splitRandomState; self.tasks = tasks
        }
    }

    /// An extra outcome column as a model head. Binary when the column has exactly two distinct
    /// values: the positive is the larger number when both are numbers (1 of 0/1, 2 of 1/2), else
    /// the later in code-point order (`yes` of `no`/`yes`); continuous when every value is a
    /// number and there are more than two (standardised with the federation's mean and standard
    /// deviation for training). A missing value masks the head on that row: it adds neither loss
    /// nor gradient, and a site without any value of the column trains the other heads only.
    public struct Task: Sendable, Hashable, Codable {
        /// The column's name.
        public var name: String
        /// `binary` or `continuous`.
        public var kind: DenseNetwork.Head
        /// A binary head's values meaning 1 and 0 (`nil` for a continuous head).
        public var positive: String?, negative: String?
    }

    /// One site's usable rows.
    public struct Site: Sendable, Hashable {
        /// The site's name (its value in the site column).
        public var name: String
        /// One row of ``ClinicalTable/featureNames`` values per patient (`NaN` where missing).
        public var rows: [[Double]]
        /// Each row's outcome (0 or 1).
        public var labels: [UInt8]
        /// Each row's 1-based line in the file.
        public var lines: [Int]
        /// Each row's extra outcomes, one per ``ClinicalTable/tasks`` entry (`NaN` where missing; empty rows without tasks).
        public var outcomes: [[Double]]

        /// A site's rows.
        public init(name: String, rows: [[Double]], labels: [UInt8], lines: [Int], outcomes: [[Double]] = []) {
            self.name = name; self.rows = rows; self.labels = labels; self.lines = lines; self.outcomes = outcomes
        }
    }

    /// The file's name, as errors and notes name it.
    public var file: String
    /// The encoded feature names, in column order (`column=level` for a one-hot column).
    public var featureNames: [String]
    /// The sites with at least one usable row, in order of first appearance.
    public var sites: [Site]
    /// What the encoding did that a reader should know: columns made categorical or left out,
    /// rows and sites left out, and why.
    public var notes: [String]
    /// The `random_state` of each site's split.
    public var splitRandomState: UInt32
    /// The label column's name.
    public var labelColumn: String
    /// The extra outcome columns' heads, in ``Source/tasks`` order (empty without).
    public var tasks: [Task] { taskColumns.map(\.head) }
    /// The extra outcome columns.
    var taskColumns: [TaskColumn] = []
    /// The source columns the features came from, in order.
    var columns: [FeatureColumn]

    /// Reads and encodes the table at `source.file`, refusing a file over
    /// ``HarmonisationLimits/maxTableBytes`` before reading it.
    /// - Throws: ``ClinicalDataError``: `.io`, `.tooLarge`, or `.malformedInput` naming the file,
    ///   line and column of what cannot be used (an unknown column, a label that is not 0/1,
    ///   no usable feature or row, a task column that is also a feature, the site or label column,
    ///   constant, or text with more than two values).
    public init(source: Source) throws(ClinicalDataError) {
        let data = try Harmoniser.read(source.file, limit: HarmonisationLimits.maxTableBytes, site: nil)
        try self.init(data: data, name: source.file.lastPathComponent, source: source)
    }

    /// Encodes a table given as bytes; `name` names it in errors and notes.
    /// - Throws: as ``init(source:)``, except `.io`.
    public init(data: Data, name: String, source: Source) throws(ClinicalDataError) {
        let delimiter = TableLimits.guessDelimiter(data)
        try TableLimits.check(data, delimiter: delimiter, context: .init(file: name))
        let table: DelimitedTable
        do { table = try DelimitedTable.parse(data, delimiter: delimiter, name: name) } catch {
            throw ClinicalDataError(.malformedInput, "the table is not readable as delimited text", context: .init(file: name, line: error.line), cause: error)
        }
        let layout = try Layout(table, source: source)
        let labelled = try LabelledRows(table, layout: layout, positive: source.positive)
        var notes: [String] = []
        var columns: [FeatureColumn] = [], tasks: [TaskColumn] = []
        for index in layout.tasks { tasks.append(try TaskColumn.make(table, index: index, rows: labelled.kept)) }
        for index in layout.features {
            let made = try FeatureColumn.make(table, index: index, rows: labelled.kept, explicit: source.features != nil)
            if let column = made.column { columns.append(column) }
            if let note = made.note { notes.append(note) }
        }
        let featureNames = columns.flatMap(\.featureNames)
        try Self.checkSize(rows: labelled.kept.count, features: featureNames.count, file: name)
        var sites: [String: Site] = [:]
        var featureless: [String: [Int]] = [:]
        for (k, r) in labelled.kept.enumerated() {
            let row = columns.flatMap { $0.encode(table.rows[r][$0.index]) }
            let site = labelled.sites[k]
            guard row.contains(where: { !$0.isNaN }) else { featureless[site, default: []].append(table.lines[r]); continue }
            sites[site, default: Site(name: site, rows: [], labels: [], lines: [])].rows.append(row)
            sites[site]?.labels.append(labelled.labels[k])
            sites[site]?.lines.append(table.lines[r])
            if !tasks.isEmpty { sites[site]?.outcomes.append(tasks.map { $0.encode(table.rows[r][$0.index]) }) }
        }
        notes += labelled.notes(featureless: featureless, kept: sites, labelColumn: table.header[layout.label])
        self.file = name
        self.featureNames = featureNames
        self.sites = labelled.siteOrder.sorted().compactMap { sites[$0] }
        self.labelColumn = table.header[layout.label]
        self.columns = columns
        self.taskColumns = tasks
        self.notes = notes + Self.taskNotes(tasks, sites: self.sites)
        self.splitRandomState = source.splitRandomState
        guard !self.sites.isEmpty else {
            throw ClinicalDataError(.malformedInput, "no row has a site, a label and a feature value; nothing to learn from", context: .init(file: name))
        }
    }

    /// Refuses an encoded table with no feature, more features than ``HarmonisationLimits/maxColumns``
    /// or more values than ``HarmonisationLimits/maxFeatureValues``, before it is allocated.
    static func checkSize(rows: Int, features: Int, file: String) throws(ClinicalDataError) {
        guard features > 0 else {
            throw ClinicalDataError(.malformedInput, "no usable feature column: every candidate column is empty, constant text or an identifier", context: .init(file: file))
        }
        guard features <= HarmonisationLimits.maxColumns else {
            throw ClinicalDataError(.tooLarge, "the encoded table has \(features) features (one-hot columns included); at most \(HarmonisationLimits.maxColumns) are allowed; choose columns with --features",
                                    context: .init(file: file))
        }
        let (values, overflow) = rows.multipliedReportingOverflow(by: features)
        guard !overflow, values <= HarmonisationLimits.maxFeatureValues else {
            throw ClinicalDataError(.tooLarge, "\(rows) rows × \(features) features exceed the \(HarmonisationLimits.maxFeatureValues) values allowed", context: .init(file: file))
        }
    }

    /// Whether a (trimmed) field means "missing".
    static func isMissing(_ text: String) -> Bool {
        text.isEmpty || ["na", "n/a", "nan", "null", "none", "?", "."].contains(text.lowercased())
    }

    /// A field without surrounding white space.
    static func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespaces) }
}
