import ConcordML

/// How well one attack tells one partner's members from non-members with one artefact.
public struct AttackFigure: Sendable, Hashable, Codable {
    /// The seed of the run attacked.
    public var seed: UInt64
    /// The partner whose membership is attacked, e.g. "T2".
    public var partner: String
    public var artefact: AuditedArtefact
    public var attack: MembershipAttack
    /// ROC-AUC of the scores (members positive); 0.5 is guessing.
    public var auc: Double
    /// The true-positive rate at a false-positive rate of at most 1%.
    public var tprAt1pctFPR: Double
    /// Members and non-members attacked (equal counts).
    public var members: Int, nonMembers: Int

    enum CodingKeys: String, CodingKey {
        case seed, partner, artefact, attack, auc, members
        case tprAt1pctFPR = "tpr_at_1pct_fpr", nonMembers = "non_members"
    }

    public init(seed: UInt64, partner: String, artefact: AuditedArtefact, attack: MembershipAttack, auc: Double, tprAt1pctFPR: Double,
                members: Int, nonMembers: Int) {
        self.seed = seed; self.partner = partner; self.artefact = artefact; self.attack = attack; self.auc = auc
        self.tprAt1pctFPR = tprAt1pctFPR; self.members = members; self.nonMembers = nonMembers
    }

    /// The figure of `members`' and `nonMembers`' scores.
    /// - Throws: ``FederationError/invalidData(_:cause:)`` when either group is empty or a score is not finite.
    public static func measure(members: [Double], nonMembers: [Double], seed: UInt64, partner: String, artefact: AuditedArtefact,
                               attack: MembershipAttack) throws(FederationError) -> AttackFigure {
        let truth = [UInt8](repeating: 1, count: members.count) + [UInt8](repeating: 0, count: nonMembers.count)
        let scores = members + nonMembers
        do {
            let auc = try Metrics.rocAUC(truth: truth, scores: scores)
            let tpr = try Metrics.truePositiveRate(atFalsePositiveRate: 0.01, truth: truth, scores: scores)
            return AttackFigure(seed: seed, partner: partner, artefact: artefact, attack: attack, auc: auc, tprAt1pctFPR: tpr,
                                members: members.count, nonMembers: nonMembers.count)
        } catch {
            throw .invalidData("the \(attack.rawValue) attack on \(partner)'s \(artefact.rawValue) cannot be measured", cause: error)
        }
    }
}

/// The worst case of an audit: the highest AUC and the highest TPR at 1% FPR over partners, artefacts and attacks
/// (each maximised on its own, so they may come from different attacks).
public struct WorstAttack: Sendable, Hashable, Codable {
    public var auc: Double
    public var tprAt1pctFPR: Double

    enum CodingKeys: String, CodingKey {
        case auc
        case tprAt1pctFPR = "tpr_at_1pct_fpr"
    }

    public init(auc: Double, tprAt1pctFPR: Double) { self.auc = auc; self.tprAt1pctFPR = tprAt1pctFPR }

    /// The worst of `figures` (nil when there are none).
    public init?(_ figures: [AttackFigure]) {
        guard let auc = figures.map(\.auc).max(), let tpr = figures.map(\.tprAt1pctFPR).max() else { return nil }
        self.init(auc: auc, tprAt1pctFPR: tpr)
    }
}
