import ConcordFederation
import ConcordSecurity
import ConcordWire
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Testing
@testable import ConcordNetwork

/// A real coordinator (gRPC, mutual TLS, SQLite) in this process, and a partner's client that
/// sends what a broken or hostile node might.
@Suite("Refusals over the wire", .serialized)
struct WireRefusalTests {
    /// Provisions a kit, starts the coordinator on a free port, submits a job for alpha and beta.
    func withCoordinator(_ body: @Sendable (_ partner: Concord_V1_Federation.Client<HTTP2ClientTransport.Posix>, _ jobID: String) async throws -> Void) async throws {
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
        submitted.transferSource = "pool.smi"
        let jobID = try await withGRPCClient(transport: try MutualTLS.clientTransport(host: "127.0.0.1", port: port, serverName: "localhost", material: operatorTLS)) { client in
            try await Concord_V1_Operator.Client(wrapping: client).submitJob(submitted).jobID
        }
        let alphaTLS = try TLSMaterial.load(directory: root.appendingPathComponent("kit/alpha"))
        try await withGRPCClient(transport: try MutualTLS.clientTransport(host: "127.0.0.1", port: port, serverName: "localhost", material: alphaTLS)) { client in
            try await body(Concord_V1_Federation.Client(wrapping: client), jobID)
        }
    }

    func waitForTransfer(_ client: Concord_V1_Federation.Client<HTTP2ClientTransport.Posix>, _ jobID: String) async throws -> Concord_V1_JobView {
        var request = Concord_V1_GetJobRequest()
        request.jobID = jobID
        for _ in 0..<200 {
            let view = try await client.getJob(request)
            if view.state == .transferReady { return view }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CoordinatorRefusal(.internalError, "the transfer set never became ready")
    }

    @Test func oversizedMalformedAndTamperedUploadsAreRefusedWithAReason() async throws {
        try await withCoordinator { client, jobID in
            let view = try await waitForTransfer(client, jobID)
            let n = Int(view.transferSize)
            let good = Chunking.annotationChunks(jobID: jobID, annotation: Annotation(partner: "alpha", probabilities: .init(repeating: 0.5, count: n),
                                                                                    domainDistances: .init(repeating: 1, count: n)))[0]
            func upload(_ chunk: Concord_V1_AnnotationChunk) async -> RPCError? {
                do { _ = try await client.uploadAnnotations(requestProducer: { try await $0.write(chunk) }); return nil }
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
            var request = Concord_V1_GetJobRequest()
            request.jobID = jobID
            #expect(try await client.getJob(request).annotationChunksReceived.isEmpty)
            // NaN, out of range, wrong length, wrong digest: refused with what and where.
            var nan = good; nan.probabilities[1] = .nan
            #expect(await upload(nan)?.message.contains("molecule 1: probability nan") == true)
            var wrongLength = good; wrongLength.domainDistances.removeLast()
            #expect(await upload(wrongLength)?.code == .invalidArgument)
            var tampered = good; tampered.sha256 = Data(repeating: 1, count: 32)
            #expect(await upload(tampered)?.message.contains("digest mismatch") == true)
            // Another job's id: alpha is not a member of a job that does not exist.
            var foreign = good; foreign.jobID = "job-000000000000"
            #expect(await upload(foreign)?.code == .notFound)
            // The good chunk is accepted once; sending it again stores nothing new.
            let first = try await client.uploadAnnotations(requestProducer: { try await $0.write(good) })
            let again = try await client.uploadAnnotations(requestProducer: { try await $0.write(good) })
            #expect(first.complete && first.duplicates == 0)
            #expect(again.duplicates == 1 && again.stored == [0])
        }
    }
}
