public import ConcordChem

extension PrivateData {
    /// How many of a partner's held-out molecules are also public: left out when a model that may have
    /// learnt public molecules is judged.
    public struct PublicOverlap: Sendable, Hashable {
        /// Validation molecules that are in the public set.
        public var validation: Int
        /// Test molecules that are in the public set.
        public var test: Int
        /// Both.
        public var total: Int { validation + test }
    }

    /// These data for judging what was learnt from the public molecules `transfer`: the validation
    /// and test molecules that are also in `transfer` are left out, the training molecules kept.
    ///
    /// The coordinator trains the student on public molecules it chose, and a partner's hybrid
    /// adds the student's selection; neither can be judged on a molecule it may have learnt. The
    /// coordinator cannot leave a partner's held-out molecules out of the transfer set (it never sees
    /// them, and being told would tell it which they are), so each partner leaves them out of its own
    /// calibration and evaluation, and says so only in its own log. (A simulation removes them from
    /// the transfer set, which gives the same judgement.)
    /// - Complexity: O(*n* + *m*) for *n* held-out and *m* public molecules.
    public func heldOut(outside transfer: [MoleculeIdentityKey]) -> (data: PrivateData, overlap: PublicOverlap) {
        let public_ = Set(transfer)
        var data = self
        let validation = data.validation.removing(public_)
        let test = data.test.removing(public_)
        data.validation = validation.part
        data.test = test.part
        return (data, PublicOverlap(validation: validation.removed, test: test.removed))
    }
}

extension PrivateData.Part {
    /// The part without the rows whose molecule is in `excluded`, and how many rows were removed.
    func removing(_ excluded: Set<MoleculeIdentityKey>) -> (part: PrivateData.Part, removed: Int) {
        let rows = keys.indices.filter { !excluded.contains(keys[$0]) }
        guard rows.count < count else { return (self, 0) }
        let part = PrivateData.Part(features: features.rows(rows), labels: rows.map { labels[$0] }, keys: rows.map { keys[$0] },
                                    values: values.map { v in rows.map { v[$0] } })
        return (part, count - rows.count)
    }
}

extension PartnerWork {
    /// The same work with ``PrivateData/heldOut(outside:)`` data, for calibrating and evaluating what
    /// was learnt from the public molecules `transfer`.
    public func judging(outside transfer: [MoleculeIdentityKey]) -> (work: PartnerWork, overlap: PrivateData.PublicOverlap) {
        let (data, overlap) = data.heldOut(outside: transfer)
        return (PartnerWork(partner: partner, data: data, recipe: recipe, selfGuard: selfGuard, seed: seed, parallelism: parallelism,
                            hybrid: hybrid, regressor: regressor), overlap)
    }
}
