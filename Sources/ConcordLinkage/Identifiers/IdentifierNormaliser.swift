import Foundation

/// The order of day, month and year in dates written with separators (`03/04/1985`).
public enum DateOrder: String, Sendable, Hashable, CaseIterable {
    /// Day, month, year (Europe): `03/04/1985` is 3 April 1985.
    case dmy
    /// Month, day, year (United States): `03/04/1985` is 4 March 1985.
    case mdy
    /// Year, month, day (ISO 8601 and East Asia): `1985/04/03`.
    case ymd
}

/// Brings identifiers exported by different systems to one spelling before they are hashed, so
/// that `" AB-123 "`, `"ab-123"` and `"AB‑123"` (a non-breaking hyphen) match and
/// `"3/4/1985"`, `"03.04.85"` and `"1985-04-03"` are one date of birth.
///
/// Applied to each field of an identifier, in this order:
/// 1. Unicode compatibility normalisation (NFKC), so that full-width digits, ligatures and
///    look-alike dashes become their plain forms;
/// 2. leading and trailing white space removed, inner runs of white space collapsed to one space;
/// 3. letters case-folded (when ``caseInsensitive``);
/// 4. a field that reads as a date in ``dateOrder`` (or in ISO form `YYYY-MM-DD`, always) is
///    written `YYYY-MM-DD`; two-digit years take the century that puts them at or before
///    ``referenceYear``, so `85` is 1985 and `07` is 2007 when the reference year is 2026.
///
/// Fields of a composite identifier (surname, date of birth, postcode …) are joined with the
/// unit separator U+001F, which no normalised field contains.
public struct IdentifierNormaliser: Sendable, Hashable {
    /// Whether letters are case-folded (default true).
    public var caseInsensitive: Bool
    /// How dates written with separators are read; nil recognises ISO dates only.
    public var dateOrder: DateOrder?
    /// The latest year a two-digit year may stand for (default 2026).
    public var referenceYear: Int

    /// A normaliser.
    public init(caseInsensitive: Bool = true, dateOrder: DateOrder? = nil, referenceYear: Int = 2026) {
        self.caseInsensitive = caseInsensitive; self.dateOrder = dateOrder; self.referenceYear = referenceYear
    }

    /// The normalised form of one field; nil when nothing is left (an empty or blank field).
    public func normalise(field: String) -> String? {
        let compatible = field.precomposedStringWithCompatibilityMapping
        var collapsed = ""
        collapsed.reserveCapacity(compatible.utf8.count)
        var pendingSpace = false
        for character in compatible {
            if character.isWhitespace {
                pendingSpace = !collapsed.isEmpty
                continue
            }
            if pendingSpace { collapsed.append(" "); pendingSpace = false }
            collapsed.append(character)
        }
        guard !collapsed.isEmpty else { return nil }
        if let date = Self.date(collapsed, order: dateOrder, referenceYear: referenceYear) { return date }
        return caseInsensitive ? collapsed.lowercased() : collapsed
    }

    /// The normalised form of a composite identifier; nil when any field is empty (a partial key
    /// would match people it should not).
    public func normalise(fields: [String]) -> String? {
        var parts: [String] = []
        parts.reserveCapacity(fields.count)
        for field in fields {
            guard let part = normalise(field: field) else { return nil }
            parts.append(part)
        }
        return parts.joined(separator: "\u{1F}")
    }

    /// `YYYY-MM-DD` when `text` is a valid date written as `YYYY-MM-DD` (or with `/`, `.`) or, in
    /// `order`, as three numbers separated by `-`, `/`, `.` or a space.
    static func date(_ text: String, order: DateOrder?, referenceYear: Int) -> String? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 6, utf8.count <= 10 else { return nil }
        var numbers: [(value: Int, digits: Int)] = []
        var current = 0, digits = 0
        var separator: UInt8?
        for byte in utf8 {
            if byte >= 48 && byte <= 57 {
                current = current * 10 + Int(byte - 48); digits += 1
                if digits > 4 { return nil }
            } else if byte == 45 || byte == 47 || byte == 46 || byte == 32 {
                guard digits > 0, separator == nil || separator == byte else { return nil }
                separator = byte
                numbers.append((current, digits)); current = 0; digits = 0
            } else {
                return nil
            }
        }
        guard digits > 0 else { return nil }
        numbers.append((current, digits))
        guard numbers.count == 3 else { return nil }
        let year: (value: Int, digits: Int), month: Int, day: Int
        if numbers[0].digits == 4 {
            guard numbers[1].digits <= 2, numbers[2].digits <= 2 else { return nil }
            year = numbers[0]; month = numbers[1].value; day = numbers[2].value
        } else {
            guard let order, order != .ymd, numbers[0].digits <= 2, numbers[1].digits <= 2,
                  numbers[2].digits == 2 || numbers[2].digits == 4 else { return nil }
            year = numbers[2]
            (day, month) = order == .dmy ? (numbers[0].value, numbers[1].value) : (numbers[1].value, numbers[0].value)
        }
        var fullYear = year.value
        if year.digits == 2 {
            let century = referenceYear - referenceYear % 100
            fullYear = century + year.value
            if fullYear > referenceYear { fullYear -= 100 }
        } else if year.digits != 4 {
            return nil
        }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: fullYear) else { return nil }
        return "\(fullYear)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
