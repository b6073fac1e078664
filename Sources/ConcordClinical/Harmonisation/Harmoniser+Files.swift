public import Foundation

extension Harmoniser {
    /// Loads a schema and a site mapping from YAML files, checking their sizes first.
    /// - Throws: ``ClinicalDataError`` `.io`, `.tooLarge`, `.invalidSchema`, `.invalidMapping` or
    ///   `.requiredVariable` (the mapping cannot supply a required variable).
    public init(schemaAt schemaURL: URL, mappingAt mappingURL: URL) throws(ClinicalDataError) {
        let schema = try CommonSchema(yaml: Self.readYAML(schemaURL), file: schemaURL.path)
        let mapping = try SiteMapping(yaml: Self.readYAML(mappingURL), file: mappingURL.path)
        try self.init(schema: schema, mapping: mapping, file: mappingURL.path)
    }

    /// Harmonises the table at `input`, writes the harmonised CSV to `output` and, when
    /// `report` is given, the validation report as JSON.
    /// - Throws: ``ClinicalDataError`` from ``harmonise(fileAt:)``, or `.io` when a file cannot be written.
    @discardableResult
    public func harmonise(input: URL, output: URL, report: URL? = nil) throws(ClinicalDataError) -> HarmonisationResult {
        let result = try harmonise(fileAt: input)
        try Self.write(Data(result.table.csv().utf8), to: output)
        if let report {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let json: Data
            do { json = try encoder.encode(result.report) } catch {
                throw ClinicalDataError(.io, "cannot encode the report", context: .init(site: mapping.site, file: report.path), cause: error)
            }
            try Self.write(json, to: report)
        }
        return result
    }

    private static func readYAML(_ url: URL) throws(ClinicalDataError) -> String {
        String(decoding: try read(url, limit: HarmonisationLimits.maxYAMLBytes, site: nil), as: UTF8.self)
    }

    /// The bytes of `url`, refusing a file larger than `limit` before reading it.
    static func read(_ url: URL, limit: Int, site: String?) throws(ClinicalDataError) -> Data {
        let context = ClinicalDataError.Context(site: site, file: url.path)
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
            guard size <= limit else {
                throw ClinicalDataError(.tooLarge, "the file has \(size) bytes; at most \(limit) are read", context: context)
            }
            return try Data(contentsOf: url)
        } catch let error as ClinicalDataError {
            throw error
        } catch {
            throw ClinicalDataError(.io, "cannot read the file", context: context, cause: error)
        }
    }

    private static func write(_ data: Data, to url: URL) throws(ClinicalDataError) {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw ClinicalDataError(.io, "cannot write the file", context: .init(file: url.path), cause: error)
        }
    }
}
