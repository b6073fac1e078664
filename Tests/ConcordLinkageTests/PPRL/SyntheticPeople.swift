import ConcordPrivacy

/// Synthetic people with quasi-identifiers (first name, surname, date of birth, sex, postcode),
/// names drawn with Zipf-like frequencies so that common names repeat as they do in registries,
/// and a copy of some of them with the typos a second registry would have.
struct SyntheticPeople {
    struct Person: Hashable { var first: String; var surname: String; var born: String; var sex: String; var postcode: String }

    var generator: CryptographicGenerator

    init(seed: UInt64) { generator = CryptographicGenerator(seed: .reproducible(from: seed, label: "test.pprl.people")) }

    private static let onsets = ["b", "br", "c", "ch", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "sh", "t", "th", "v", "w", "z"]
    private static let vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ie", "ou"]
    private static let codas = ["", "", "n", "r", "s", "l", "nd", "rt", "ck", "m"]

    mutating func name(syllables: Int) -> String {
        (0..<syllables).map { _ in
            Self.onsets.randomElement(using: &generator)! + Self.vowels.randomElement(using: &generator)! + Self.codas.randomElement(using: &generator)!
        }.joined()
    }

    /// A pool of `count` names and a sampler with weight 1/rank.
    mutating func pool(_ count: Int, syllables: ClosedRange<Int>) -> [String] {
        var names = Set<String>()
        while names.count < count { names.insert(name(syllables: Int.random(in: syllables, using: &generator))) }
        return names.sorted()
    }

    mutating func zipf(_ names: [String]) -> String {
        let total = (1...names.count).reduce(0.0) { $0 + 1 / Double($1) }
        var u = Double.random(in: 0..<total, using: &generator)
        for (rank, name) in names.enumerated() {
            u -= 1 / Double(rank + 1)
            if u < 0 { return name }
        }
        return names[names.count - 1]
    }

    mutating func people(_ count: Int) -> [Person] {
        let firsts = pool(400, syllables: 1...2), surnames = pool(1500, syllables: 2...3)
        return (0..<count).map { _ in
            let year = Int.random(in: 1930...2005, using: &generator), month = Int.random(in: 1...12, using: &generator)
            let day = Int.random(in: 1...28, using: &generator)
            return Person(first: zipf(firsts), surname: zipf(surnames),
                          born: "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)",
                          sex: Bool.random(using: &generator) ? "f" : "m",
                          postcode: String(Int.random(in: 10000...99999, using: &generator)))
        }
    }

    /// One random edit: insert, delete, substitute or transpose a character.
    mutating func typo(_ text: String) -> String {
        var characters = Array(text)
        guard characters.count >= 2 else { return text + "e" }
        let i = Int.random(in: 0..<(characters.count - 1), using: &generator)
        let letter = Character(String("abcdefghijklmnopqrstuvwxyz".randomElement(using: &generator)!))
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: characters.insert(letter, at: i)
        case 1: characters.remove(at: i)
        case 2: characters[i] = letter
        default: characters.swapAt(i, i + 1)
        }
        return String(characters)
    }

    /// A second registry's copy: a typo in a name for `nameRate` of people, a wrong digit in the
    /// date of birth for `dateRate`, a wrong postcode digit for `postcodeRate`.
    mutating func recorded(_ person: Person, nameRate: Double = 0.5, dateRate: Double = 0.1, postcodeRate: Double = 0.05) -> Person {
        var copy = person
        if Double.random(in: 0..<1, using: &generator) < nameRate {
            if Bool.random(using: &generator) { copy.surname = typo(copy.surname) } else { copy.first = typo(copy.first) }
        }
        if Double.random(in: 0..<1, using: &generator) < dateRate {
            var digits = Array(copy.born)
            let i = [2, 3, 6, 9].randomElement(using: &generator)!  // a year, month or day digit
            digits[i] = Character(String(Int.random(in: 0...9, using: &generator)))
            copy.born = String(digits)
        }
        if Double.random(in: 0..<1, using: &generator) < postcodeRate {
            var digits = Array(copy.postcode)
            digits[Int.random(in: 0..<5, using: &generator)] = Character(String(Int.random(in: 0...9, using: &generator)))
            copy.postcode = String(digits)
        }
        return copy
    }
}
