import ConcordFederation
import ConcordSecurity
import ConcordWire
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import SwiftProtobuf
import Testing
@testable import ConcordNetwork

/// A real coordinator (gRPC, mutual TLS, SQLite) in this process, and a partner's client that
/// sends what a broken or hostile node might.
@Suite("Refusals over the wire", .serialized)
struct WireRefusalTests {
    /// Provisions a kit, starts the coordinator on a free port, submits a job for alpha and beta.
    func withCoordinator(_ body: @Sendable (_ partner: Concord_V2_Federation.Client<HTTP2ClientTransport.Posix>, _ legacy: Concord_V1_Federation.Client<HTTP2ClientTransport.Posix>,
                                         _ jobID: String) async throws -> Void) async throws {
        let root = Fixtures.temporaryDirectory()
        let (_, pool) = Fixtures.split()
        try pool.joined(separator: "\n").write(to: root.appendingPathComponent("pool.smi"), atomically: true, encoding: .utf8)
        _ = try Provisioner.provision(consortium: "test", coordinatorHost: "localhost", partners: ["alpha", "beta"],
                                      outputDirectory: root.appendingPathComponent("kit"), includeLoopback: true)
        let config = CoordinatorConfig(listen: Endpoint(host: "127.0.0.1", port: 0), status: nil, tls: TLSFiles(directory: "kit/coordinator"),
                                       kit: "kit", database: "state/coordinator.sqlite", threads: 2, tick: 0.1)
        var configured = config
        configured.base = root
        let address = AsyncStream<String>.makeStream()
        var server = CoordinatorServer(config: configured, logger: Logger(label: "test.coordinator"))
        server.onListening = { address.continuation.yield($0) }
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        var iterator = address.stream.makeAsyncIterator()
        let listening = try #require(await iterator.next())
        let port = try #require(Int(listening.split(separator: ":").last ?? ""))

        let operatorTLS = try TLSMaterial.load(directory: root.appendingPathComponent("kit/operator"))
        let spec = Fixtures.spec(partners: ["alpha", "beta"])
        var submitted = spec
        submitted.distillation.transferSource = "pool.smi"
        let jobID = try await withGRPCClient(transport: try MutualTLS.clientTransport(host: "127.0.0.1", port: port, serverName: "localhost", material: operatorTLS)) { client in
            try await Concord_V2_Operator.Client(wrapping: client).submitJob(submitted).jobID
        }
        let alphaTLS = try TLSMaterial.load(directory: root.appendingPathComponent("kit/alpha"))
        try await withGRPCClient(transport: try MutualTLS.clientTransport(host: "127.0.0.1", port: port, serverName: "localhost", material: alphaTLS)) { client in
            try await body(Concord_V2_Federation.Client(wrapping: client), Concord_V1_Federation.Client(wrapping: client), jobID)
        }
    }

    func waitForTransfer(_ client: Concord_V2_Federation.Client<HTTP2ClientTransport.Posix>, _ jobID: String) async throws -> Concord_V2_DistillationView {
        var request = Concord_V2_GetJobRequest()
        request.jobID = jobID
        for _ in 0..<200 {
            let view = try await client.getJob(request)
            if view.phase == DistillationJob.transferReady.rawValue { return try Concord_V2_DistillationView(serializedBytes: view.details) }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CoordinatorRefusal(.internalError, "the transfer set never became ready")
    }

    @Test func oversizedMalformedAndTamperedUploadsAreRefusedWithAReason() async throws {
        try await withCoordinator { client, _, jobID in
            let view = try await waitForTransfer(client, jobID)
            let n = Int(view.transferSize)
            let good = Chunking.annotationChunks(Annotation(partner: "alpha", probabilities: .init(repeating: 0.5, count: n),
                                                                                    domainDistances: .init(repeating: 1, count: n)))[0]
            func send(_ chunk: Concord_V2_AnnotationPayload, job: String = jobID) async throws -> Concord_V2_UploadReceipt {
                let envelope = Chunking.uploadChunk(jobID: job, upload: "annotation", index: Int(chunk.index), of: Int(chunk.totalChunks),
                                                    payload: try chunk.serializedBytes())
                return try await client.upload(requestProducer: { try await $0.write(envelope) })
            }
            func upload(_ chunk: Concord_V2_AnnotationPayload, job: String = jobID) async -> RPCError? {
                do { _ = try await send(chunk, job: job); return nil }
                catch let error as RPCError { return error } catch { return RPCError(code: .unknown, message: "\(error)") }
            }
            // Over 4 MiB: refused with the size and the limit …
            let huge = { var c = good; c.probabilities = .init(repeating: 0.5, count: 700_000); return c }()
            let tooLarge = await upload(huge)
            #expect(tooLarge?.code == .resourceExhausted, "\(String(describing: tooLarge))")
            #expect(tooLarge?.message.contains("over the protocol's limit of 4194304 bytes") == true)
            // … and far over it, the stream is reset before the message is decoded. Nothing is stored.
            let enormous = { var c = good; c.probabilities = .init(repeating: 0.5, count: 1_200_000); return c }()
            #expect(await upload(enormous) != nil)
            var request = Concord_V2_GetJobRequest()
            request.jobID = jobID
            #expect(try await client.getJob(request).uploads.allSatisfy { $0.held.isEmpty })
            // NaN, out of range, wrong length, wrong digest: refused with what and where.
            var nan = good; nan.probabilities[1] = .nan
            #expect(await upload(nan)?.message.contains("molecule 1: probability nan") == true)
            var wrongLength = good; wrongLength.domainDistances.removeLast()
            #expect(await upload(wrongLength)?.code == .invalidArgument)
            var tampered = good; tampered.sha256 = Data(repeating: 1, count: 32)
            #expect(await upload(tampered)?.message.contains("digest mismatch") == true)
            // Another job's id: alpha is not a member of a job that does not exist.
            #expect(await upload(good, job: "job-000000000000")?.code == .notFound)
            // The good chunk is accepted once; sending it again stores nothing new.
            let first = try await send(good)
            let again = try await send(good)
            #expect(first.complete && first.duplicates == 0)
            #expect(again.duplicates == 1 && again.stored == [0])
        }
    }

    @Test("a node of wire protocol version 1 is refused at enrolment, with a message naming both versions")
    func aVersionOneNodeIsRefusedNamingBothVersions() async throws {
        try await withCoordinator { _, client, jobID in
            var request = Concord_V1_EnrolRequest()
            request.jobID = jobID
            request.protocolVersion = 1
            request.teacher = "rf"
            let error = await #expect(throws: RPCError.self) { try await client.enrol(request) }
            #expect(error?.code == .failedPrecondition)
            let message = error?.message ?? ""
            #expect(message.contains("version 1") && message.contains("version 2"), "\(message)")
        }
    }

    @Test("the engine refuses every protocol version but its own, naming both", arguments: [UInt32(0), 1, 3])
    func theEngineRefusesOtherVersions(version: UInt32) throws {
        #expect(WireLimits.protocolVersion == 2)
        let error = #expect(throws: CoordinatorRefusal.self) { try CoordinatorEngine.checkVersion(version, partner: "alpha") }
        #expect(error?.code == .failedPrecondition && error?.context.field == "protocol_version")
        #expect(error?.message.contains("version \(version)") == true && error?.message.contains("version 2") == true)
        #expect(throws: Never.self) { try CoordinatorEngine.checkVersion(WireLimits.protocolVersion, partner: "alpha") }
    }
}
