import ArgumentParser
import ConcordChem
import ConcordData
import Foundation

struct FingerprintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fingerprint",
        abstract: "Compute Morgan fingerprints (RDKit-identical ECFP/FCFP) for a molecule file.",
        discussion: """
            Writes CSV with header 'id,onbits,error' (or 'id,hex,error'). Molecules that cannot be \
            parsed get an empty fingerprint and an error naming the line, position and reason; \
            they do not stop the run. A summary goes to stderr.
            """
    )

    @OptionGroup var input: MoleculeInputOptions

    @Option(parsing: .unconditional, help: "Morgan radius (2 gives ECFP4/FCFP4).")
    var radius: Int = 2

    @Option(parsing: .unconditional, help: "Fingerprint length in bits.")
    var bits: Int = 2048

    @Flag(help: "Feature invariants (FCFP) instead of connectivity invariants (ECFP). The default is ECFP, RDKit's default Morgan fingerprint; 'concord train' defaults to FCFP4 instead, FLuID's choice for teachers (pharmacophoric atom features generalise across scaffolds).")
    var features = false

    @Option(help: "Output format: onbits (sorted on-bit indices) or hex (little-endian words).")
    var format: OutputFormat = .onbits

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    @Flag(help: "Exit with a non-zero status if any molecule is rejected.")
    var strict = false

    @Option(parsing: .unconditional, help: "Worker tasks (default: all cores).")
    var threads: Int = defaultParallelism

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case onbits, hex }

    func validate() throws {
        guard (0...10).contains(radius) else { throw ValidationError("--radius must be between 0 and 10") }
        guard (1...1 << 20).contains(bits) else { throw ValidationError("--bits must be between 1 and 1048576") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() async throws {
        let start = ContinuousClock.now
        let records = try input.read()
        let options = MorganOptions(radius: radius, fpSize: bits, atomInvariants: features ? .feature : .connectivity())
        let results = await Fingerprinting.fingerprints(of: records, options: options, parallelism: threads)

        var out = try OutputSink(path: output)
        try out.write(format == .onbits ? "id,onbits,error\n" : "id,hex,error\n")
        var rejected = 0
        var text = ""
        for (record, result) in zip(records, results) {
            text.removeAll(keepingCapacity: true)
            text += CSV.field(record.id)
            text += ","
            switch result {
            case .success(let fp):
                text += format == .onbits ? fp.onBits.map(String.init).joined(separator: " ") : fp.hex
                text += ",\n"
            case .failure(let error):
                rejected += 1
                text += ","
                text += CSV.field(error.description)
                text += "\n"
            }
            try out.write(text)
        }
        try out.close()
        let seconds = (ContinuousClock.now - start).seconds
        let kind = "\(features ? "FCFP" : "ECFP")\(2 * radius)-\(bits)"
        let message = "\(records.count) molecules, \(records.count - rejected) fingerprinted (\(kind)), \(rejected) rejected, \(String(format: "%.2f", seconds)) s\n"
        FileHandle.standardError.write(Data(message.utf8))
        if strict && rejected > 0 { throw ExitCode(2) }
    }
}

/// Where the molecules come from: a user's file and its columns.
struct MoleculeInputOptions: ParsableArguments {
    @Option(help: "Molecule file: .csv, .tsv, .smi or .sdf/.mol (optionally .gz).")
    var input: String

    @Option(help: "SMILES column of a CSV/TSV file.")
    var smilesColumn: String = "smiles"

    @Option(help: "Identifier column of a CSV/TSV file (default: row number).")
    var idColumn: String?

    @Option(help: "File format when the extension does not say: csv, tsv, smi or sdf.")
    var inputFormat: String?

    func validate() throws {
        if let inputFormat, MoleculeFile.Format(rawValue: inputFormat) == nil {
            throw ValidationError("--input-format must be one of: csv, tsv, smi, sdf")
        }
    }

    func read() throws -> [MoleculeRecord] {
        try MoleculeFile.read(URL(fileURLWithPath: input), format: inputFormat.flatMap(MoleculeFile.Format.init(rawValue:)),
                              columns: .init(smiles: smilesColumn, id: idColumn))
    }
}


/// Parses and fingerprints records on all cores, in input order.
enum Fingerprinting {
    static func fingerprints(of records: [MoleculeRecord], options: MorganOptions, parallelism: Int) async
        -> [Result<BitFingerprint, RecordError>] {
        await Parallel.mapChunks(records, parallelism: parallelism) { chunk in
            var generator = MorganGenerator(options: options)
            return chunk.map { record in
                Result { () throws(RecordError) in generator.fingerprint(try record.molecule()) }
            }
        }
    }
}

/// CSV quoting per RFC 4180.
enum CSV {
    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Buffered text output to a file or standard output.
struct OutputSink {
    private let handle: FileHandle
    private let ownsHandle: Bool
    private var buffer: [UInt8] = []

    init(path: String?) throws {
        guard let path else {
            handle = .standardOutput
            ownsHandle = false
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let h = FileHandle(forWritingAtPath: path) else {
            throw CLIError("cannot write the output file \(path)")
        }
        handle = h
        ownsHandle = true
    }

    mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > 1 << 20 { try flush() }
    }

    mutating func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        try flush()
        if ownsHandle { try handle.close() }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
