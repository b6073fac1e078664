public import Foundation
public import ConcordData

/// AIDS Clinical Trials Group study 175 (Hammer et al., NEJM 1996) as a multi-task federation,
/// from `lifelines/datasets/ACTG175.csv` in the lifelines 0.30.3 wheel: 2,139 HIV-infected adults
/// randomised to four antiretroviral arms, with two outcomes as two heads of one model — `cens`
/// (binary: an AIDS-defining event, death or a CD4 decline of at least 50%; 521 events) and
/// `cd420` (continuous: the CD4 count at 20 ± 5 weeks, cells/mm³).
///
/// **Sites (written down; no random draw).** The trial has no centre column, so the sites are its
/// own stratification factor `strat`, the antiretroviral history at entry — a non-IID split by
/// design, the kind real trial sites show (treatment-naive and pretreated populations differ):
///
/// | site | `strat` | patients | `cens` rate | mean `cd420` |
/// |---|---|---|---|---|
/// | `naive` | 1: no prior antiretroviral therapy | 886 | 18% | 409 |
/// | `short-history` | 2: > 1 and ≤ 52 weeks of prior therapy | 410 | 25% | 350 |
/// | `long-history` | 3: > 52 weeks of prior therapy | 843 | 31% | 342 |
///
/// Each site is split 66/34 with ``SklearnSplit``, stratified by `cens`, `random_state` 43 (the
/// heart-disease benchmark's split); the seeds of a simulation vary training only.
///
/// **Features (17, baseline only):** `age wtkg hemo homo drugs karnof oprior z30 preanti race
/// gender symptom cd40 cd80` and the arm one-hot (`arms` 0, zidovudine alone, is the reference:
/// `arms=1` ZDV + ddI, `arms=2` ZDV + ddC, `arms=3` ddI alone). Left out: `pidnum` and the row
/// number (identifiers), `strat` and `str2` (they define the sites), `treat` (a function of
/// `arms`), `zprior` (constant), and everything measured after baseline or derived from the
/// outcomes (`offtrt cd420 cd496 r cd820 cens days`).
public enum ACTG175 {
    /// The member of the lifelines wheel holding the table.
    public static let memberPath = "lifelines/datasets/ACTG175.csv"
    /// The pinned SHA-256 of ``memberPath``.
    public static let memberSHA256 = "56fba31fa0d7bfbff9667b7149fd96a97c352e72aa582871a62a935e812f0e07"

    /// The baseline columns used as they are, in feature order (the arm dummies follow).
    public static let numericColumns = ["age", "wtkg", "hemo", "homo", "drugs", "karnof", "oprior", "z30", "preanti", "race", "gender", "symptom", "cd40", "cd80"]
    /// The 17 feature names, in model order.
    public static let featureNames = numericColumns + ["arms=1", "arms=2", "arms=3"]
    /// The two heads: `cens` (binary) and `cd420` (continuous), in model order.
    public static let headNames = ["cens", "cd420"]

    /// The sites and the `strat` value each holds, in site order.
    public static let sitesByStrat: [(name: String, strat: Double)] = [("naive", 1), ("short-history", 2), ("long-history", 3)]

    /// One site's patients: features, both outcomes, and its split.
    public struct Site: Sendable, Hashable {
        /// The site's name (see ``ACTG175``).
        public var name: String
        /// One row of the 17 ``ACTG175/featureNames`` per patient, in file order.
        public var features: [[Double]]
        /// `cens` per patient (0 or 1).
        public var cens: [UInt8]
        /// `cd420` per patient (cells/mm³).
        public var cd420: [Double]
        /// The training rows (indices into ``features``), in scikit-learn's order.
        public var train: [Int]
        /// The test rows.
        public var test: [Int]
    }

    /// The three sites from the lifelines wheel at `url`, after checking the member's SHA-256.
    /// - Throws: `DataError` when the wheel or member cannot be read; ``ClinicalDataError``
    ///   `.malformedInput` when the digest differs or a value is not a number.
    public static func sites(wheelAt url: URL) throws -> [Site] {
        let data = try WheelArchive(url: url).data(of: memberPath)
        let digest = try MemberDigest.sha256(data)
        guard digest == memberSHA256 else {
            throw ClinicalDataError(.malformedInput, "\(memberPath) has SHA-256 \(digest) but \(memberSHA256) is pinned", context: .init(file: url.path))
        }
        return try sites(table: DelimitedTable.parse(data, delimiter: UInt8(ascii: ","), name: memberPath))
    }

    /// The three sites of the ACTG175 table, encoded and split.
    /// - Throws: ``ClinicalDataError`` `.malformedInput` naming the line and column of a value that
    ///   is not a finite number or a `strat` outside 1…3; `DataError` `.missingColumn`.
    public static func sites(table: DelimitedTable) throws -> [Site] {
        let columns = try (numericColumns + ["arms", "strat", "cens", "cd420"]).map { try table.column($0) }
        var rows: [[Double]] = []
        for (r, fields) in table.rows.enumerated() {
            var values: [Double] = []
            for (k, c) in columns.enumerated() {
                guard let v = Double(fields[c]), v.isFinite else {
                    throw ClinicalDataError(.malformedInput, "'\(fields[c])' is not a number", context: .init(file: table.name, line: table.lines[r], column: table.header[columns[k]]))
                }
                values.append(v)
            }
            rows.append(values)
        }
        let n = numericColumns.count
        var sites: [Site] = []
        for (name, strat) in sitesByStrat {
            let mine = rows.filter { $0[n + 1] == strat }
            let features = mine.map { row -> [Double] in
                let arms: [Double] = [1, 2, 3].map { arm in row[n] == arm ? 1 : 0 }
                return Array(row[0..<n]) + arms
            }
            let cens = mine.map { $0[n + 2] == 1 ? UInt8(1) : 0 }
            let split = try SklearnSplit.split(count: mine.count, labels: cens, testSize: .fraction(1 - HeartDisease.trainFraction),
                                               trainSize: .fraction(HeartDisease.trainFraction), randomState: HeartDisease.randomState)
            sites.append(Site(name: name, features: features, cens: cens, cd420: mine.map { $0[n + 3] }, train: split.train, test: split.test))
        }
        let placed = sites.reduce(0) { $0 + $1.cens.count }
        guard placed == rows.count else {
            throw ClinicalDataError(.malformedInput, "\(rows.count - placed) rows have a strat outside 1, 2, 3", context: .init(file: table.name, column: "strat"))
        }
        return sites
    }
}
