import Foundation

/// The size checks every site table passes before it is parsed: bytes, lines and header fields
/// against ``HarmonisationLimits``, counted in one pass over the bytes (nothing is allocated).
enum TableLimits {
    /// Refuses `data` when it exceeds ``HarmonisationLimits/maxTableBytes``, has more than
    /// ``HarmonisationLimits/maxRows`` data lines, or more than ``HarmonisationLimits/maxColumns``
    /// fields in its header (split at `delimiter`).
    /// - Throws: ``ClinicalDataError`` `.tooLarge` with `context`.
    static func check(_ data: Data, delimiter: UInt8, context: ClinicalDataError.Context) throws(ClinicalDataError) {
        guard data.count <= HarmonisationLimits.maxTableBytes else {
            throw ClinicalDataError(.tooLarge, "the table has \(data.count) bytes; at most \(HarmonisationLimits.maxTableBytes) are read", context: context)
        }
        var lines = 0, headerFields = 1, inHeader = true
        for byte in data {
            if byte == UInt8(ascii: "\n") { lines += 1; inHeader = false } else if inHeader && byte == delimiter { headerFields += 1 }
        }
        guard lines <= HarmonisationLimits.maxRows + 1 else {
            throw ClinicalDataError(.tooLarge, "the table has more than \(HarmonisationLimits.maxRows) rows", context: context)
        }
        guard headerFields <= HarmonisationLimits.maxColumns else {
            throw ClinicalDataError(.tooLarge, "the table has \(headerFields) columns; at most \(HarmonisationLimits.maxColumns) are read", context: context)
        }
    }

    /// The delimiter of a table whose delimiter is not given: a tab when the header line has a
    /// tab and no comma, else a comma (as `DelimitedTable` guesses it).
    static func guessDelimiter(_ data: Data) -> UInt8 {
        let header = data.prefix { $0 != UInt8(ascii: "\n") }
        return header.contains(UInt8(ascii: "\t")) && !header.contains(UInt8(ascii: ",")) ? UInt8(ascii: "\t") : UInt8(ascii: ",")
    }
}
