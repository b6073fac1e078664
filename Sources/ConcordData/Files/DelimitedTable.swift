public import Foundation

/// A delimited text table (CSV or TSV) with a header row, parsed per RFC 4180:
/// quoted fields may contain delimiters, doubled quotes and line breaks.
public struct DelimitedTable: Sendable {
    /// Column names from the header row.
    public let header: [String]
    /// Data rows; every row has exactly `header.count` fields.
    public let rows: [[String]]
    /// The 1-based file line on which each row starts (parallel to ``rows``).
    public let lines: [Int]
    /// The file name used in error messages.
    public let name: String

    /// Parses `data`. Blank lines are skipped; a row with a different field count than the
    /// header is an error naming its line.
    ///
    /// - Parameter delimiter: `,` for CSV, tab for TSV; `nil` picks whichever appears in the header.
    /// - Throws: ``DataError`` `.malformed` for an unterminated quote or a ragged row.
    public static func parse(_ data: Data, delimiter: UInt8? = nil, name: String) throws(DataError) -> DelimitedTable {
        var records: [[String]] = []
        var starts: [Int] = []
        let bytes = [UInt8](data)
        var sep = delimiter ?? UInt8(ascii: ",")
        if delimiter == nil {
            let headerEnd = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let head = bytes[0..<headerEnd]
            if head.contains(UInt8(ascii: "\t")) && !head.contains(UInt8(ascii: ",")) { sep = UInt8(ascii: "\t") }
        }
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var fields: [String] = []
        var field: [UInt8] = []
        var rowStart = 1
        var inQuotes = false
        var quoteLine = 0
        var rowHasContent = false
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(c); i += 2; continue
                    }
                    inQuotes = false
                } else {
                    if c == UInt8(ascii: "\n") { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case UInt8(ascii: "\""):
                inQuotes = true
                quoteLine = line
                rowHasContent = true
            case sep:
                endField()
                rowHasContent = true
            case UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "\n"):
                if rowHasContent || !field.isEmpty {
                    endField()
                    records.append(fields)
                    starts.append(rowStart)
                }
                fields.removeAll(keepingCapacity: true)
                rowHasContent = false
                line += 1
                rowStart = line
            default:
                field.append(c)
                rowHasContent = true
            }
            i += 1
        }
        if inQuotes {
            throw DataError(.malformed, "a quoted field opened here is never closed", file: name, line: quoteLine)
        }
        if rowHasContent || !field.isEmpty {
            endField()
            records.append(fields)
            starts.append(rowStart)
        }
        guard let header = records.first else {
            throw DataError(.malformed, "the file is empty; a header row is required", file: name, line: 1)
        }
        let width = header.count
        for (k, record) in records.enumerated().dropFirst() where record.count != width {
            throw DataError(.malformed, "row has \(record.count) fields but the header has \(width)", file: name, line: starts[k])
        }
        return DelimitedTable(header: header, rows: Array(records.dropFirst()), lines: Array(starts.dropFirst()), name: name)
    }

    /// The index of column `name` (exact match first, then case-insensitive).
    /// - Throws: ``DataError`` `.missingColumn` listing the columns that do exist.
    public func column(_ name: String) throws(DataError) -> Int {
        if let i = header.firstIndex(of: name) { return i }
        if let i = header.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) { return i }
        throw DataError(.missingColumn, "no column named '\(name)'; the columns are: \(header.joined(separator: ", "))",
                        file: self.name, line: 1)
    }

    /// All values of column `index`.
    public func values(_ index: Int) -> [String] { rows.map { $0[index] } }
}
