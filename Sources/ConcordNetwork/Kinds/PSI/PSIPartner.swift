import GRPCCore
import ConcordFederation
import ConcordLinkage
import ConcordStorage
import ConcordWire
import Foundation
import Logging
import SwiftProtobuf

/// The PSI job kind's work at a party: reads its identifier table, checks that the job asks for no
/// more than the party agreed to, then plays its role — the receiver sends its request, finds the
/// shared identifiers in the response and, when the job says so, reveals them; the sender answers
/// and, with a reveal, learns them too. Each writes what it learns to its `output` file.
///
/// The secret scalar (and the sender's listing order) is kept in the node's store before anything
/// is sent, as is every message, so a node killed at any moment resends the same bytes and finishes
/// with the same scalar.
struct PSIPartner: PartnerJobKind {
    var name: String { PSIJob.name }

    /// Keys in the node's store.
    enum Kept {
        static let state = "psi/state"
        static let request = "psi/request"
        static let response = "psi/response"
        static let reveal = "psi/reveal"
        /// The shared identifiers (normalised, sorted) and how they were normalised, for a vertical job.
        static let shared = "psi/shared"
    }

    /// What a party keeps of a finished intersection: the shared identifiers, normalised and sorted,
    /// and how its table's identifiers were read, so that a vertical job finds each one's row.
    struct Shared: Codable, Sendable {
        var keys: [String]
        var columns: [String]
        var caseInsensitive: Bool
        var dateOrder: String?
    }

    func check(_ config: NodeConfig) throws(NodeError) {
        guard let source = config.identifiers else { return }
        guard FileManager.default.fileExists(atPath: config.url(source.path).path) else {
            throw NodeError("identifiers.path: no file at \(config.url(source.path).path)", code: .configuration, context: .init(field: "identifiers.path"))
        }
        guard !source.columns.isEmpty else {
            throw NodeError("identifiers.columns: name the identifier column (or the columns of a composite key)", code: .configuration, context: .init(field: "identifiers.columns"))
        }
    }

    func run<Transport: ClientTransport>(_ session: NodeSession<Transport>, view found: Concord_V2_JobView) async throws -> NodeOutcome {
        let config = session.config, jobID = found.jobID
        guard let source = config.identifiers else {
            throw NodeError("job \(jobID) is a private set intersection; the node's configuration has no 'identifiers' table",
                            code: .configuration, context: .init(job: jobID, field: "identifiers"))
        }
        let details: Concord_V2_PSIView
        do { details = try Concord_V2_PSIView(serializedBytes: found.details) } catch {
            throw NodeError("job \(jobID)'s PSI details do not decode", code: .integrity, context: .init(job: jobID), cause: error)
        }
        try Self.consent(details, source: source, jobID: jobID, partner: config.partner)
        let settings: PSISettings
        do {
            settings = try PSISettings(session: details.session, output: details.cardinalityOnly ? .cardinality : .intersection,
                                       revealToSender: details.revealToSender, maximumSetSize: Int(clamping: details.maximumSetSize))
        } catch { throw NodeError("job \(jobID)'s PSI settings: \(error.message)", code: .integrity, context: .init(job: jobID), cause: error) }
        let normaliser = IdentifierNormaliser(caseInsensitive: !details.caseSensitive, dateOrder: DateOrder(rawValue: details.dateOrder))
        let table: IdentifierTable
        do { table = try IdentifierTable(contentsOf: config.url(source.path).path, columns: source.columns, normaliser: normaliser) } catch {
            throw NodeError("identifiers: \(error.description)", code: .configuration, context: .init(job: jobID, field: "identifiers"), cause: error)
        }
        session.logger.info("identifiers: \(table.keys.count) rows with an identifier in \(source.path)\(table.skippedLines.isEmpty ? "" : "; " + table.skippedNote); the job's \(details.role) (the other party: \(details.peer))")
        let run = Run(session: session, jobID: jobID, details: details, settings: settings, table: table, source: source)
        switch details.role {
        case "receiver": return try await run.receive()
        case "sender": return try await run.answer()
        default: throw NodeError("job \(jobID) gives this node no role", code: .integrity, context: .init(job: jobID))
        }
    }

    /// Refuses a job that asks for more than the node agreed to, or that is not keyed to itself.
    static func consent(_ details: Concord_V2_PSIView, source: NodeConfig.IdentifierSource, jobID: String, partner: String) throws(NodeError) {
        func refuse(_ message: String, _ field: String) -> NodeError {
            NodeError("job \(jobID): \(message); nothing was sent", code: .configuration, context: .init(job: jobID, field: field))
        }
        guard details.session == PSIJobSpec.session(jobID: jobID) else {
            throw refuse("its session '\(details.session)' does not name the job (identifiers must be hashed under the job's own session, so that jobs cannot be linked)", "session")
        }
        if let peer = source.peer, peer != details.peer {
            throw refuse("the other party is \(details.peer); this node takes part only with \(peer)", "identifiers.peer")
        }
        if source.cardinalityOnly == true, !details.cardinalityOnly {
            throw refuse("the receiver would learn which identifiers are shared; this node agreed to a cardinality-only intersection", "identifiers.cardinality_only")
        }
        if details.role == "receiver", details.revealToSender, source.allowReveal != true {
            throw refuse("this node (the receiver) would tell \(details.peer) which identifiers are shared; allow it with allow_reveal: true", "identifiers.allow_reveal")
        }
    }

    /// One run of a party's role.
    struct Run<Transport: ClientTransport> {
        let session: NodeSession<Transport>
        let jobID: String
        let details: Concord_V2_PSIView
        let settings: PSISettings
        let table: IdentifierTable
        let source: NodeConfig.IdentifierSource

        var store: any NodeStoring { session.store }
        var logger: Logger { session.logger }

        /// The kept state, or nil.
        func keptState() async throws -> PSIPartyState? {
            guard let data = try await store.get(Kept.state, job: jobID) else { return nil }
            do { return try PSIPartyState(serialized: Array(data), maximumCount: settings.maximumSetSize) } catch {
                throw NodeError("the node's kept PSI state: \(error.message)", code: .integrity, context: .init(job: jobID), cause: error)
            }
        }

        /// Uploads the chunks of `message` the coordinator does not hold yet.
        func send(_ upload: String, _ message: [UInt8], view: Concord_V2_JobView, summary: String) async throws {
            let chunks = try PSIChunks.split(message)
            let held = Set((view.uploads.first { $0.name == upload }?.held ?? []).map(Int.init))
            let missing = chunks.enumerated().filter { !held.contains($0.offset) }.map { (index: $0.offset, payload: $0.element, summary: "\(summary) (slice \($0.offset + 1) of \(chunks.count))") }
            try await session.upload(upload, missing, of: chunks.count, job: jobID)
        }

        /// A linkage failure as the node reports it.
        func failure(_ what: String, _ error: LinkageError) -> NodeError {
            NodeError("job \(jobID): \(what): \(error.message)", code: .integrity, context: .init(job: jobID), cause: error)
        }

        /// Keeps the shared identifiers in the node's store, for a vertical job on them.
        func keep(_ shared: [String]) async throws {
            let kept = Shared(keys: shared.sorted(), columns: source.columns, caseInsensitive: !details.caseSensitive,
                              dateOrder: details.dateOrder.isEmpty ? nil : details.dateOrder)
            try await store.put(Kept.shared, job: jobID, data: try JSONEncoder().encode(kept))
        }

        /// Writes what this party learnt, as its own table spells it.
        func write(_ shared: [String]) throws -> String? {
            guard let output = source.output else { return nil }
            let url = session.config.url(output)
            do { try Data(table.csv(of: shared).utf8).write(to: url, options: .atomic) } catch {
                throw NodeError("cannot write the shared identifiers to \(url.path)", code: .configuration, context: .init(job: jobID, field: "identifiers.output"), cause: error)
            }
            return url.path
        }

        func dryRun(_ lines: [String]) -> NodeOutcome {
            session.outcome(jobID: jobID, state: "dry run", disclosure: ["dry run for job \(jobID): nothing below was sent"] + lines
                            + ["no identifier leaves in the clear: every element is hashed to ristretto255 under the job's session and blinded by this node's secret scalar"])
        }

        // MARK: Receiver

        func receive() async throws -> NodeOutcome {
            var receiver: PSIReceiver
            do {
                if let state = try await keptState() {
                    receiver = try PSIReceiver(identifiers: table.keys, settings: settings, state: state)
                } else {
                    receiver = try PSIReceiver(identifiers: table.keys, settings: settings)
                }
            } catch let error as LinkageError { throw failure("the receiver's identifiers", error) }
            if session.dryRun {
                return dryRun(["  Upload psi-request          \(PSIChunks.count(PSIFrame.prefixBytes + 32 * receiver.identifiers.count)) chunks  \(receiver.identifiers.count) blinded identifiers of 32 bytes (the other party and the coordinator learn this count)",
                               details.revealToSender ? "  Upload psi-reveal           the positions of the shared identifiers in the sender's response (the sender learns which are shared)" : ""])
            }
            // The scalar is kept before the first byte that depends on it leaves.
            if try await store.get(Kept.state, job: jobID) == nil {
                try await store.put(Kept.state, job: jobID, data: Data(receiver.state.serialized()))
            }
            var view = try await session.wait(for: PSIJob.requesting, of: PSIJob.descriptor, job: jobID, view: try await session.refreshed(jobID))
            if view.phase == PSIJob.requesting.rawValue {
                let request: [UInt8]
                if let kept = try await store.get(Kept.request, job: jobID) { request = Array(kept) } else {
                    do { request = try await receiver.request().serialized() } catch { throw failure("the request", error) }
                    try await store.put(Kept.request, job: jobID, data: Data(request))
                }
                try await send(PSIJob.Upload.request, request, view: view,
                               summary: "\(receiver.identifiers.count) identifiers, hashed to ristretto255 and blinded with our secret scalar")
                logger.info("request sent: \(receiver.identifiers.count) blinded identifiers (\(request.count) bytes)")
            }
            view = try await session.wait(for: PSIJob.revealing, of: PSIJob.descriptor, job: jobID, view: try await session.refreshed(jobID))
            let response: PSIResponse
            do {
                response = try PSIResponse(serialized: Array(try await session.artifact(PSIJob.Artifact.response, view: view, label: "PSI response")),
                                           maximumCount: settings.maximumSetSize)
            } catch let error as LinkageError { throw failure("the sender's response", error) }
            let result: PSIReceiverResult
            do { result = try await receiver.finish(response) } catch { throw failure("the sender's response", error) }
            var lines = ["the receiver holds \(result.receiverSetSize) distinct identifiers; the sender \(result.senderSetSize)",
                         "shared: \(result.count)" + (settings.output == .cardinality ? " (a cardinality-only intersection: which ones is not known)" : "")]
            if let shared = result.intersection {
                try await keep(shared)
                if let path = try write(shared) { lines.append("the shared identifiers are in \(path)") }
            }
            if let reveal = result.reveal {
                if view.phase == PSIJob.revealing.rawValue {
                    let bytes = reveal.serialized()
                    try await send(PSIJob.Upload.reveal, bytes, view: view, summary: "the positions of the \(reveal.positions.count) shared identifiers in the sender's response")
                }
                lines.append("revealed to \(details.peer): which of its identifiers are shared")
                view = try await session.wait(for: .complete, of: PSIJob.descriptor, job: jobID, view: try await session.refreshed(jobID))
            }
            for line in lines { logger.info("\(line)") }
            var outcome = session.outcome(jobID: jobID, state: view.phase == JobPhase.complete.rawValue ? "complete" : view.phaseTitle)
            outcome.summary = lines
            return outcome
        }

        // MARK: Sender

        func answer() async throws -> NodeOutcome {
            let kept = try await keptState()
            var sender: PSISender
            do {
                sender = try kept.map { try PSISender(identifiers: table.keys, settings: settings, state: $0) } ?? PSISender(identifiers: table.keys, settings: settings)
            } catch let error as LinkageError { throw failure("the sender's identifiers", error) }
            if session.dryRun {
                return dryRun(["  Upload psi-response         the receiver's blinded identifiers blinded again, as short tags, and \(sender.identifiers.count) of our identifiers blinded with our secret scalar, in a random order (the receiver and the coordinator learn this count)"])
            }
            var view = try await session.wait(for: PSIJob.responding, of: PSIJob.descriptor, job: jobID, view: try await session.refreshed(jobID))
            if view.phase == PSIJob.responding.rawValue {
                let response: [UInt8]
                if let kept = try await store.get(Kept.response, job: jobID) {
                    response = Array(kept)
                } else {
                    let request: PSIRequest
                    do {
                        request = try PSIRequest(serialized: Array(try await session.artifact(PSIJob.Artifact.request, view: view, label: "PSI request")),
                                                 maximumCount: settings.maximumSetSize)
                        response = try await sender.respond(to: request).serialized()
                    } catch let error as LinkageError { throw failure("the receiver's request", error) }
                    // The scalar and the listing order, then the response, are kept before any of it leaves.
                    try await store.put(Kept.state, job: jobID, data: Data(sender.state.serialized()))
                    try await store.put(Kept.response, job: jobID, data: Data(response))
                }
                try await send(PSIJob.Upload.response, response, view: view,
                               summary: "the receiver's identifiers blinded again as tags, and \(sender.identifiers.count) of ours blinded with our secret scalar")
                logger.info("response sent (\(response.count) bytes)")
            }
            view = try await session.wait(for: .complete, of: PSIJob.descriptor, job: jobID, view: try await session.refreshed(jobID))
            var lines = ["the sender holds \(sender.identifiers.count) distinct identifiers"]
            if details.revealToSender {
                let shared: [String]
                do {
                    let reveal = try PSIReveal(serialized: Array(try await session.artifact(PSIJob.Artifact.reveal, view: view, label: "PSI reveal")),
                                               maximumCount: settings.maximumSetSize)
                    shared = try sender.learn(reveal)
                } catch let error as LinkageError { throw failure("the receiver's reveal", error) }
                lines.append("shared: \(shared.count) (revealed by \(details.peer))")
                try await keep(shared)
                if let path = try write(shared) { lines.append("the shared identifiers are in \(path)") }
            } else {
                lines.append("the receiver \(details.peer) learnt the result; this party learns only the receiver's set size")
            }
            for line in lines { logger.info("\(line)") }
            var outcome = session.outcome(jobID: jobID, state: "complete")
            outcome.summary = lines
            return outcome
        }
    }
}
