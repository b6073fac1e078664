// SMILES as a partner's file or an operator's transfer set gives them: parsed, and when it parses,
// everything a job computes from a molecule (Morgan fingerprint, identity key, Murcko scaffold).
// Any crash, trap or unbounded allocation is a finding; a thrown ChemError is the right answer.
import ConcordChem
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
func testOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let smiles = String(decoding: input(data, size), as: UTF8.self)
    guard let molecule = try? SMILES.parse(smiles) else { return 0 }
    var generator = MorganGenerator()
    _ = generator.fingerprint(molecule)
    _ = molecule.identityKey
    if let scaffold = try? MurckoScaffold.scaffold(of: molecule) { _ = MurckoScaffold.canonicalKey(of: scaffold) }
    return 0
}

@_cdecl("fuzz_smiles_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv, testOne) }
