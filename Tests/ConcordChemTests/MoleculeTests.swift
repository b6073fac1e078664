import Testing
@testable import ConcordChem

@Suite("Molecule graph")
struct MoleculeTests {
    @Test("adjacency lists neighbours in bond order")
    func adjacency() {
        let atoms = [Atom(atomicNumber: 6), Atom(atomicNumber: 8), Atom(atomicNumber: 7)]
        let bonds = [Bond(begin: 0, end: 1, order: .double), Bond(begin: 2, end: 0, order: .single)]
        let mol = Molecule(atoms: atoms, bonds: bonds)
        #expect(mol.degree(of: 0) == 2)
        #expect(mol.degree(of: 1) == 1)
        #expect(Array(mol.neighborAtoms[mol.neighborRange(of: 0)]) == [1, 2])
        #expect(Array(mol.neighborBonds[mol.neighborRange(of: 0)]) == [0, 1])
    }
}
