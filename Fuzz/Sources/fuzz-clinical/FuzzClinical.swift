// What a hospital's data engineer hands a node: the common schema and the site's mapping (YAML)
// and the site's table (CSV). The input is split at its first two NUL bytes into schema, mapping
// and table; the schema and mapping are read, the table harmonised with them, and the table also
// read as a clinical table on its own (site and label columns named "site" and "label"). A thrown
// ClinicalDataError is the right answer to bad input.
import ConcordClinical
import Foundation
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
func testOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let parts = input(data, size).split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
    let schemaText = String(decoding: parts.first ?? Data(), as: UTF8.self)
    let mappingText = String(decoding: parts.count > 1 ? parts[1] : Data(), as: UTF8.self)
    let table = parts.count > 2 ? Data(parts[2]) : Data()
    let schema = try? CommonSchema(yaml: schemaText, file: "schema.yaml")
    let mapping = try? SiteMapping(yaml: mappingText, file: "mapping.yaml")
    if let schema, let mapping, let harmoniser = try? Harmoniser(schema: schema, mapping: mapping, file: "mapping.yaml") {
        _ = try? harmoniser.harmonise(data: table, file: "site.csv")
    }
    let source = ClinicalTable.Source(file: URL(fileURLWithPath: "/nonexistent/site.csv"), siteColumn: "site", labelColumn: "label")
    _ = try? ClinicalTable(data: table, name: "site.csv", source: source)
    return 0
}

@_cdecl("fuzz_clinical_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv, testOne) }
