/// Whether a consortium's sets are large enough for its figures to mean anything.
///
/// A partner's teacher learns from its own molecules, the external test set measures every model,
/// and the validation set calibrates thresholds and chooses each partner's deployed model. Below
/// the ``Minimums`` the figures are noise (27 molecules cut into four partners gave each partner one
/// training molecule, and a "student MCC of 1.000" on five test molecules): such a run is refused,
/// with the sizes named. Between the minimums and the ``Minimums/comfortable`` sizes it runs with warnings.
public struct SizeCheck: Sendable, Hashable {
    /// Sizes below which a run is refused.
    public struct Minimums: Sendable, Hashable {
        /// Training molecules per partner (a teacher on fewer is a guess).
        public var partnerMolecules: Int
        /// Test molecules (below about 20, one molecule moves the MCC by 0.1 or more).
        public var testMolecules: Int
        /// Validation molecules, when thresholds are calibrated or models chosen on them.
        public var validationMolecules: Int
        /// Molecules of each class the test and validation sets need (classification only).
        public var perClass: Int
        /// Molecules of each class a partner's training set needs (classification only). A small partner with one
        /// active is a real consortium member whose teacher is weak, not a meaningless run; a partner without
        /// one of the classes has no teacher at all.
        public var partnerPerClass: Int

        public init(partnerMolecules: Int, testMolecules: Int, validationMolecules: Int, perClass: Int, partnerPerClass: Int) {
            self.partnerMolecules = partnerMolecules; self.testMolecules = testMolecules
            self.validationMolecules = validationMolecules; self.perClass = perClass; self.partnerPerClass = partnerPerClass
        }

        /// The refusal line: 10 molecules per partner with one of each class, 20 test and 10 validation molecules with at least 2 of each class.
        public static let required = Minimums(partnerMolecules: 10, testMolecules: 20, validationMolecules: 10, perClass: 2, partnerPerClass: 1)
        /// Below these sizes the run warns: 50 per partner, 100 test and 50 validation molecules, 10 of each class.
        public static let comfortable = Minimums(partnerMolecules: 50, testMolecules: 100, validationMolecules: 50, perClass: 10, partnerPerClass: 10)
    }

    /// Why the run cannot give meaningful figures; empty when it can.
    public var refusals: [String]
    /// Sizes that give figures with wide uncertainty.
    public var warnings: [String]

    /// Checks the sets of `plan`.
    /// - Parameters:
    ///   - labels: each molecule's class (0 or 1) by row, or `nil` for a regression task (no class counts).
    ///   - validationNeeded: whether thresholds or deployed models are chosen on the validation set.
    public init(plan: ConsortiumPlan, labels: [UInt8]?, validationNeeded: Bool) {
        var refusals: [String] = [], warnings: [String] = []
        let required = Minimums.required, comfortable = Minimums.comfortable
        func actives(_ rows: [Int]) -> Int? {
            guard let labels else { return nil }
            return rows.reduce(0) { $0 + (labels.indices.contains($1) ? Int(labels[$1]) : 0) }
        }
        /// Checks one set: its size, and with classes the smaller class.
        func check(_ name: String, _ rows: [Int], minimum: Int, comfortable plenty: Int, perClass: Int, advice: String) {
            let n = rows.count
            var text = "\(name) has \(n) molecule\(n == 1 ? "" : "s")"
            var minority: Int?
            if let a = actives(rows) {
                text += " (\(a) active, \(n - a) inactive)"
                minority = min(a, n - a)
            }
            if n < minimum {
                refusals.append("\(text); at least \(minimum) are needed — \(advice)")
            } else if let m = minority, m < perClass {
                refusals.append("\(text); at least \(perClass) of each class \(perClass == 1 ? "is" : "are") needed — \(advice)")
            } else if n < plenty {
                warnings.append("\(text); below \(plenty) its figures have wide confidence intervals")
            } else if let m = minority, m < comfortable.perClass {
                warnings.append("\(text); with fewer than \(comfortable.perClass) of one class its figures have wide confidence intervals")
            }
        }
        let fewerPartners = "use fewer partners or more molecules"
        for (i, rows) in plan.partners.enumerated() {
            check("partner T\(i + 1)'s training set", rows, minimum: required.partnerMolecules, comfortable: comfortable.partnerMolecules,
                  perClass: required.partnerPerClass, advice: fewerPartners)
        }
        check("the external test set", plan.test, minimum: required.testMolecules, comfortable: comfortable.testMolecules,
              perClass: required.perClass, advice: "use more molecules or a larger test split")
        if validationNeeded {
            check("the validation set", plan.validation, minimum: required.validationMolecules, comfortable: comfortable.validationMolecules,
                  perClass: required.perClass, advice: "use more molecules or a larger validation fraction")
        }
        self.refusals = refusals
        self.warnings = warnings
    }

    /// Throws when any set is too small, naming every one of them.
    /// - Throws: ``FederationError/invalidData(_:partner:field:cause:)``.
    public func enforce() throws(FederationError) {
        guard refusals.isEmpty else {
            throw .invalidData("too few molecules for meaningful figures: " + refusals.joined(separator: "; "))
        }
    }
}
