import Testing
import ConcordLinkage

@Suite("Identifier normalisation")
struct IdentifierNormaliserTests {
    @Test func spacingCaseAndCompatibilityFormsAgree() {
        let normaliser = IdentifierNormaliser()
        let spellings = ["  AB-123 ", "ab-123", "Ab-123\t", "ＡＢ-１２３"]
        #expect(Set(spellings.compactMap { normaliser.normalise(field: $0) }) == ["ab-123"])
        #expect(normaliser.normalise(field: "Jean   Paul\u{00A0}Sartre") == "jean paul sartre")
        #expect(normaliser.normalise(field: "   ") == nil)
        #expect(IdentifierNormaliser(caseInsensitive: false).normalise(field: " AB ") == "AB")
    }

    @Test func datesInEveryFormatBecomeISO() {
        let european = IdentifierNormaliser(dateOrder: .dmy, referenceYear: 2026)
        for text in ["03/04/1985", "3.4.1985", "03-04-85", "1985-04-03", "1985/4/3"] {
            #expect(european.normalise(field: text) == "1985-04-03", "\(text)")
        }
        let american = IdentifierNormaliser(dateOrder: .mdy, referenceYear: 2026)
        #expect(american.normalise(field: "03/04/1985") == "1985-03-04")
        #expect(american.normalise(field: "12/31/07") == "2007-12-31")
        // Two-digit years never land after the reference year.
        #expect(european.normalise(field: "01/01/27") == "1927-01-01")
        #expect(european.normalise(field: "01/01/26") == "2026-01-01")
    }

    @Test func notDatesAreLeftAlone() {
        let normaliser = IdentifierNormaliser(dateOrder: .dmy)
        #expect(normaliser.normalise(field: "31/02/1985") == "31/02/1985")  // no 31 February
        #expect(normaliser.normalise(field: "12345") == "12345")
        #expect(normaliser.normalise(field: "1985-13-01") == "1985-13-01")
        #expect(IdentifierNormaliser().normalise(field: "03/04/1985") == "03/04/1985")  // no order given
        #expect(normaliser.normalise(field: "29/02/2000") == "2000-02-29")
        #expect(normaliser.normalise(field: "29/02/1900") == "29/02/1900")
    }

    @Test func compositeKeysNeedEveryField() {
        let normaliser = IdentifierNormaliser(dateOrder: .dmy)
        let a = normaliser.normalise(fields: ["Müller ", "3/4/1985"])
        let b = normaliser.normalise(fields: ["MÜLLER", "1985-04-03"])
        #expect(a != nil && a == b)
        #expect(normaliser.normalise(fields: ["Müller", ""]) == nil)
        #expect(normaliser.normalise(fields: ["a b", "c"]) != normaliser.normalise(fields: ["a", "b c"]))
    }
}
