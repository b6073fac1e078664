// Molecule files as a partner or an operator hands them over: the first byte chooses the reader
// (CSV, TSV, SMI, SD file, or gzip in front of CSV), the rest is the file. Every record that
// carries a SMILES is parsed as a job would. A thrown DataError is the right answer to bad input.
import ConcordChem
import ConcordData
import Foundation
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
func testOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Selected(input(data, size))
    var bytes = input.rest
    let formats = MoleculeFile.Format.allCases
    let format = formats[Int(input.selector) % formats.count]
    if input.selector >= 128 {
        // Behind gzip (a .gz file), under the reader's size limit.
        guard let expanded = try? Gzip.decompress(bytes, name: "fuzz.gz", limit: 1 << 20) else { return 0 }
        bytes = expanded
    }
    guard let records = try? MoleculeFile.read(bytes, format: format, name: "fuzz") else { return 0 }
    for record in records.prefix(64) {
        if case .smiles(let smiles) = record.structure { _ = try? SMILES.parse(smiles) }
    }
    return 0
}

@_cdecl("fuzz_files_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv, testOne) }
