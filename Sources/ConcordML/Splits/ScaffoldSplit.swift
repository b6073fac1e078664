public import ConcordChem

extension Splits {
    /// A Bemis–Murcko scaffold split of molecules (see ``scaffold(keys:testFraction:seed:)``
    /// for the rule), keyed by ``MurckoScaffold/key(of:)``. Acyclic molecules share the empty
    /// scaffold and so form one group, as in DeepChem; a molecule whose scaffold cannot be
    /// sanitised forms a group of its own.
    public static func scaffold(molecules: [Molecule], testFraction: Double, seed: UInt64? = nil) throws(SplitError) -> DataSplit {
        let keys = molecules.indices.map { i in
            (try? MurckoScaffold.key(of: molecules[i])) ?? "unsanitisable scaffold \(i)"
        }
        return try scaffold(keys: keys, testFraction: testFraction, seed: seed)
    }
}
