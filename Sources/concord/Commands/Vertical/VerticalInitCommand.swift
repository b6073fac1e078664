import ArgumentParser
import ConcordData
import ConcordVertical
import Foundation

/// `concord vertical init --benchmark actg175 --out DIR`: ACTG175 split between a trial centre and a
/// laboratory as two parties on this machine, for a PSI job and then a vertical job over mTLS.
struct VerticalInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write ACTG175's trial centre and laboratory as two parties for a PSI job and a vertical job over mTLS.",
        discussion: """
            DIR/private/centre.csv (pidnum, demographics, history, treatment arm, outcome cens) and \\
            DIR/private/lab.csv (pidnum, CD4/CD8 counts), each holding 80% of the trial's patients with the \\
            documented overlap of 'vertical simulate'; the kit, the coordinator's and operator's \\
            configurations, and each node's configuration with its identifiers and columns. The centre \\
            allows the reveal (it is the PSI job's receiver). Needs 'concord data fetch lifelines'.
            """)

    @Option(help: "The benchmark (only actg175 so far).") var benchmark = "actg175"
    @Option(help: "The output directory.") var out: String = "vertical"
    @Option(parsing: .unconditional, help: "The seed of the overlap.") var seed: UInt64 = 175
    @Option(parsing: .unconditional, help: "The coordinator's gRPC port on 127.0.0.1.") var port: Int = 7443
    @Option(parsing: .unconditional, help: "The coordinator's HTTPS status port on 127.0.0.1.") var statusPort: Int = 7444
    @Flag(help: "Replace an existing directory's kit.") var force = false

    func validate() throws {
        if benchmark != "actg175" { throw ValidationError("--benchmark must be actg175") }
        guard (1...65_535).contains(port), (1...65_535).contains(statusPort) else { throw ValidationError("--port and --status-port must be TCP ports, 1…65535") }
    }

    func run() throws {
        let table: DelimitedTable
        do {
            let url = try WheelFetcher(cache: DataCache.standard()).fetch(.lifelines).url
            table = try LifelinesData(wheelAt: url).table("ACTG175")
        } catch {
            throw CLIError("cannot read ACTG175 (run 'concord data fetch lifelines')", cause: error)
        }
        let root = URL(fileURLWithPath: out, isDirectory: true)
        for sub in ["nodes", "state", "private", "shared"] { try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true) }
        let pid = try table.column("pidnum"), arms = try table.column("arms"), cens = try table.column("cens")
        let centreNames = ACTG175Vertical.centreColumns.filter { !$0.hasPrefix("arms=") }
        let centreIndices = try centreNames.map { try table.column($0) }
        let labIndices = try ACTG175Vertical.laboratoryColumns.map { try table.column($0) }
        let (centreIDs, labIDs) = ACTG175Vertical.parties(of: table.rows.map { $0[pid] }, seed: seed)
        var byPatient: [String: [String]] = [:]
        for row in table.rows { byPatient[row[pid]] = row }
        let armColumns = ["arm1", "arm2", "arm3"]
        var centre = (["pidnum"] + centreNames + armColumns + ["cens"]).joined(separator: ",") + "\n"
        for id in centreIDs {
            guard let row = byPatient[id] else { continue }
            let arm = Int(Double(row[arms]) ?? 0)
            centre += ([id] + centreIndices.map { row[$0] } + (1...3).map { arm == $0 ? "1" : "0" } + [row[cens]]).joined(separator: ",") + "\n"
        }
        var lab = (["pidnum"] + ACTG175Vertical.laboratoryColumns).joined(separator: ",") + "\n"
        for id in labIDs {
            guard let row = byPatient[id] else { continue }
            lab += ([id] + labIndices.map { row[$0] }).joined(separator: ",") + "\n"
        }
        try centre.write(to: root.appendingPathComponent("private/centre.csv"), atomically: true, encoding: .utf8)
        try lab.write(to: root.appendingPathComponent("private/lab.csv"), atomically: true, encoding: .utf8)
        func list(_ names: [String]) -> String { "[" + names.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        for (name, reveal, vertical) in [("centre", true, "{features: \(list(centreNames + armColumns)), label: cens, positive: \"1\", output: ../shared/centre-model.json}"),
                                         ("lab", false, "{features: \(list(ACTG175Vertical.laboratoryColumns)), output: ../shared/lab-model.json}")] {
            try """
                partner: \(name)
                coordinator: {host: 127.0.0.1, port: \(port)}
                server_name: localhost
                tls: {directory: ../kit/\(name)}
                identifiers: {path: ../private/\(name).csv, columns: ["pidnum"], output: ../shared/\(name).csv, allow_reveal: \(reveal)}
                vertical: \(vertical)
                state: ../state/\(name).sqlite
                audit: ../state/\(name)-audit.jsonl

                """.write(to: root.appendingPathComponent("nodes/\(name).yaml"), atomically: true, encoding: .utf8)
        }
        try PSIInitCommand.provision(root, names: ["centre", "lab"], port: port, statusPort: statusPort, force: force)
        print("""
            ACTG175 as two parties in \(out)/: centre (\(centreIDs.count) patients: demographics, history, arm, outcome cens) and lab (\(labIDs.count) patients: CD4/CD8 counts)
            next:
              concord coordinator serve --config \(out)/coordinator.yaml
              concord node run --config \(out)/nodes/centre.yaml      (and lab.yaml; a node ends with its job: start both again for the second job)
              concord job submit --config \(out)/operator.yaml --kind psi --partners centre,lab --receiver centre --reveal-to-sender --wait
              concord job submit --config \(out)/operator.yaml --kind vertical --partners centre,lab --psi-job <the PSI job's id> --label-holder centre --wait
            """)
    }
}
