import ArgumentParser
import ConcordData
import ConcordLinkage
import ConcordPrivacy
import ConcordReport
import Foundation

/// `concord pprl`: privacy-preserving record linkage on quasi-identifiers.
struct PPRLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pprl",
        abstract: "Link records of the same people without a shared identifier (Bloom-filter encodings, Dice similarity).",
        subcommands: [PPRLSimulateCommand.self])
}

/// `concord pprl simulate`: both data holders encode, and the linkage unit links, in one process.
struct PPRLSimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Encode two tables' quasi-identifiers as balanced Bloom filters under a fresh shared secret and link them.",
        discussion: """
            Each data holder encodes its records' quasi-identifiers (names, date of birth, sex, postcode …) \
            under a secret only the holders share; the linkage unit sees only the encodings and links pairs \
            whose Dice similarity reaches --threshold, one to one, best first. Writes the links (the rows' \
            lines in each file and their similarity). With --truth, a column holding the true person in both \
            files, prints the links' precision and recall. Large registries are blocked by Hamming LSH \
            (--blocking lsh, automatic above 25 million pairs): only records that agree on the sampled \
            positions of some table are compared, the tables sized so that a pair at the threshold is \
            compared with probability --recall.
            """)

    @Option(help: "The first data holder's table (CSV or TSV).")
    var left: String

    @Option(help: "The second data holder's table (CSV or TSV).")
    var right: String

    @Option(help: "The quasi-identifier columns, comma-separated (e.g. first,surname,born,sex,postcode).")
    var fields: String

    @Option(help: "The Dice similarity at or above which two records are linked.")
    var threshold = 0.85

    @Option(help: "How dates written with separators are read: dmy, mdy or ymd (ISO dates are always read).")
    var dates: String?

    @Flag(help: "Plain Bloom filters instead of balanced ones (their weight reveals the length of the names).")
    var unbalanced = false

    @Option(help: "A column holding the true identity in both files, to report precision and recall (evaluation only).")
    var truth: String?

    @Option(help: "Where to write the links (CSV).")
    var output: String

    @Option(help: "auto (LSH above 25 million pairs), lsh or none (compare every pair).")
    var blocking = "auto"

    @Option(help: "With LSH blocking, the probability that a pair at the threshold is compared.")
    var recall = 0.999

    @Option(help: "The seed of the positions LSH blocking samples (they are not secret).")
    var seed: UInt64 = 1

    func validate() throws {
        if let dates, DateOrder(rawValue: dates) == nil { throw ValidationError("--dates must be dmy, mdy or ymd") }
        if !(threshold > 0 && threshold <= 1) { throw ValidationError("--threshold must lie in (0, 1]") }
        if !["auto", "lsh", "none"].contains(blocking) { throw ValidationError("--blocking must be auto, lsh or none") }
        if !(recall > 0 && recall < 1) { throw ValidationError("--recall must lie in (0, 1)") }
    }

    func run() async throws {
        let columns = fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let normaliser = IdentifierNormaliser(dateOrder: dates.flatMap(DateOrder.init(rawValue:)))
        let leftTable = try read(left), rightTable = try read(right)
        let clock = ContinuousClock(), start = clock.now
        let links: [LinkedPair]
        let encoder: BloomEncoder
        let run: LinkageRun
        var method = "every pair"
        var encodingSeconds = 0.0
        do {
            encoder = try BloomEncoder(secret: .random(), fields: columns, settings: BloomEncodingSettings(balanced: !unbalanced))
            let a = try await encode(leftTable, columns: columns, encoder: encoder, normaliser: normaliser)
            let b = try await encode(rightTable, columns: columns, encoder: encoder, normaliser: normaliser)
            let encoded = clock.now - start
            encodingSeconds = Double(encoded.components.seconds) + Double(encoded.components.attoseconds) * 1e-18
            let pairs = a.count.multipliedReportingOverflow(by: b.count)
            if blocking == "lsh" || (blocking == "auto" && (pairs.overflow || pairs.partialValue > 25_000_000)) {
                let lsh = try LSHBlocking.forThreshold(threshold, encodedBits: encoder.settings.encodedBits,
                                                       maximumPopcount: (a + b).map(\.popcount).max() ?? 0, recall: recall,
                                                       bitsPerKey: LSHBlocking.bitsPerKey(records: b.count), seed: seed)
                method = "LSH blocking, \(lsh.tables) tables of \(lsh.bitsPerKey) positions"
                run = try await RecordLinkage.run(left: a, right: b, threshold: threshold, blocking: lsh)
            } else {
                run = try await RecordLinkage.run(left: a, right: b, threshold: threshold, blocking: nil)
            }
            links = run.links
        } catch let error as LinkageError {
            throw CLIError(error.message, cause: error.cause)
        }
        let elapsed = clock.now - start
        print("Left: \(leftTable.rows.count) records; right: \(rightTable.rows.count) records")
        print("Linked: \(links.count) pairs at Dice ≥ \(threshold)")
        print("Compared: \(run.comparisons) pairs of \(leftTable.rows.count * rightTable.rows.count) (\(method))")
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print(String(format: "Time: %.2f s (encoding %.2f s, linking %.2f s); encodings of %d bits, %@ per record", seconds, encodingSeconds,
                     seconds - encodingSeconds, encoder.settings.encodedBits, formattedByteCount(encoder.settings.encodedBits / 8)))
        if let truth {
            let l = try column(leftTable, truth), r = try column(rightTable, truth)
            var byIdentity: [String: Int] = [:]
            for (j, row) in rightTable.rows.enumerated() where !row[r].isEmpty { byIdentity[row[r]] = j }
            var pairs = Set<[Int]>()
            for (i, row) in leftTable.rows.enumerated() { if let j = byIdentity[row[l]], !row[l].isEmpty { pairs.insert([i, j]) } }
            let quality = RecordLinkage.quality(of: links, truth: pairs)
            print(String(format: "Against --truth (%d true pairs): precision %.4f, recall %.4f", pairs.count, quality.precision, quality.recall))
        }
        var text = "left_line,right_line,similarity\n"
        for link in links {
            text += "\(leftTable.lines[link.left]),\(rightTable.lines[link.right]),\(String(format: "%.4f", link.similarity))\n"
        }
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: output)) } catch {
            throw CLIError("cannot write the links", file: output, cause: error)
        }
        print("Links: \(output)")
    }

    private func read(_ path: String) throws -> DelimitedTable {
        do { return try DelimitedTable.parse(try Data(contentsOf: URL(fileURLWithPath: path)), name: path) } catch {
            throw CLIError("cannot read the table", file: path, cause: error)
        }
    }

    private func column(_ table: DelimitedTable, _ name: String) throws -> Int {
        do { return try table.column(name) } catch { throw CLIError(error.message, file: table.name) }
    }

    private func encode(_ table: DelimitedTable, columns: [String], encoder: BloomEncoder,
                        normaliser: IdentifierNormaliser) async throws -> [BloomFilter] {
        let indices = try columns.map { try column(table, $0) }
        return try await encoder.encode(records: table.rows.map { row in indices.map { normaliser.normalise(field: row[$0]) ?? "" } })
    }
}
