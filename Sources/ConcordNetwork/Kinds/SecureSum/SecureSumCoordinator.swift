import ConcordFederation
import ConcordPrivacy
import ConcordStorage
import ConcordWire
import Logging
import Foundation
import Synchronization

/// The coordinator's side of one round's secure sum, for a job kind to compose into a phase.
///
/// Transport-free and stateless between calls: its record is the list of parties counted at each
/// closed stage (a private artifact), and each call rebuilds the ``SecAggCoordinator`` by replaying
/// the stored uploads of those parties stage by stage (the state machine is deterministic), so a
/// coordinator killed mid-protocol resumes with the same messages and the same sum. A stage closes
/// when every party still in has answered, or when the stage's deadline has passed and at least
/// the threshold has; a message the state machine refuses is refused as an upload, so nothing
/// stored can spoil a replay.
struct SecureSumCoordinator: Sendable {
    /// The round's protocol settings.
    let configuration: SecAggConfiguration
    /// Its parties (the round's participants with a certificate), in roster order.
    let roster: SecAggRoster
    /// The round.
    let round: Int
    /// Seconds a stage waits for stragglers once the threshold has answered (0: for everyone).
    let deadlineS: UInt32

    /// How the round's secure sum stands.
    enum Outcome: Sendable {
        /// Waiting for parties (a message for the job page).
        case waiting(String)
        /// The sum of the included parties' vectors.
        case finished(SecAggResult)
    }

    struct State: Codable, Sendable {
        /// When the open stage opened (ms since 1970).
        var openedMs: Int64
        /// The roster indices counted at each closed stage.
        var closed: [[Int]]
    }

    private func refusal(_ message: String, _ context: CoordinatorJobContext, partner: String? = nil, cause: (any Error)? = nil,
                         code: CoordinatorRefusal.Code = .failedPrecondition) -> CoordinatorRefusal {
        CoordinatorRefusal(code, "round \(round) secure aggregation: \(message)", context: .init(job: context.job.id, partner: partner), cause: cause)
    }

    private func load(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> State {
        guard let stored = try await context.artifact(SecureSumWire.stateArtifact(round: round)) else { return State(openedMs: context.now, closed: []) }
        do { return try SecureSumWire.decode(State.self, from: stored.data) }
        catch { throw refusal("the stored protocol record does not decode", context, cause: error, code: .internalError) }
    }

    private func store(_ state: State, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        do {
            let data = try SecureSumWire.encode(state)
            try await context.put(ArtifactRecord(name: SecureSumWire.stateArtifact(round: round), data: data, sha256: Digests.sha256(data)))
        } catch let error as CoordinatorRefusal { throw error } catch { throw refusal("storing the protocol record", context, cause: error, code: .internalError) }
    }

    private func message(_ stage: Int, party: Int, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> SecAggPartyMessage? {
        let name = roster.ids[party]
        guard let chunk = try await context.uploads(SecureSumWire.uploads[stage], partner: name).first(where: { $0.index == round }) else { return nil }
        do { return try SecureSumWire.decode(SecAggPartyMessage.self, from: chunk.payload) }
        catch { throw refusal("a stored message does not decode", context, partner: name, cause: error, code: .internalError) }
    }

    /// The state machine after the closed stages, the last step, and who is expected at the open stage.
    ///
    /// Replays are kept in memory for the process, keyed by the job, the round, the roster and the
    /// parties counted at each closed stage: the messages those name are stored once and never
    /// change, so the same key always replays to the same machine. After a restart the first call
    /// replays from the store.
    private func replay(_ state: State, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Replay {
        let key = replayKey(state, context)
        if let kept = Self.replays.withLock({ $0.get(key) }) { return kept }
        let replayed = try await replayFromStore(state, context)
        Self.replays.withLock { $0.put(key, replayed) }
        return replayed
    }

    private func replayKey(_ state: State, _ context: CoordinatorJobContext) -> String {
        "\(context.job.id)|\(round)|\(configuration.session)|\(roster.ids.joined(separator: ","))|\(state.closed)"
    }

    /// The last replays (a few rounds' worth of stages of a few jobs).
    private static let replays = Mutex(ReplayCache())

    /// The state machine after the closed stages, the last step, and who is expected at the open stage.
    typealias Replay = (machine: SecAggCoordinator, step: SecAggCoordinator.Step?, expected: [Int])

    struct ReplayCache: Sendable {
        private var entries: [String: Replay] = [:]
        private var order: [String] = []
        static let capacity = 32

        func get(_ key: String) -> Replay? { entries[key] }

        mutating func put(_ key: String, _ entry: Replay) {
            if entries.updateValue(entry, forKey: key) == nil { order.append(key) }
            while order.count > Self.capacity { entries[order.removeFirst()] = nil }
        }
    }

    private func replayFromStore(_ state: State, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Replay {
        var machine: SecAggCoordinator
        do { machine = try SecAggCoordinator(configuration: configuration, roster: roster) }
        catch { throw refusal("the protocol's settings", context, cause: error, code: .internalError) }
        var step: SecAggCoordinator.Step?, expected = Array(0..<roster.count)
        for (stage, counted) in state.closed.enumerated() {
            for party in counted {
                guard let m = try await message(stage, party: party, context) else { throw refusal("a counted message is missing", context, code: .internalError) }
                do { try machine.receive(m) } catch { throw refusal("replaying a counted message", context, partner: roster.ids[party], cause: error, code: .internalError) }
            }
            do { step = try await machine.closeStage() } catch { throw refusal("replaying stage \(stage + 1)", context, cause: error) }
            if case .send(let messages) = step { expected = messages.keys.sorted() }
        }
        return (machine, step, expected)
    }

    /// Checks one party's message for the open stage: it must decode, come from its sender, be of
    /// the open stage, and be accepted by the state machine after the stages so far.
    func validate(upload: String, partner: String, payload: Data, context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        guard let stage = SecureSumWire.uploads.firstIndex(of: upload) else { throw refusal("no upload '\(upload)'", context, partner: partner, code: .invalidArgument) }
        guard let party = roster.index(of: partner) else { throw refusal("\(partner) is not a party of this round's secure sum", context, partner: partner) }
        let limit = (try? configuration.maximumPayloadBytes()) ?? 0
        guard payload.count <= 2 * limit + 4096 else {
            throw refusal("a message of \(payload.count) bytes; this round's messages are at most \(limit) bytes before JSON", context, partner: partner, code: .invalidArgument)
        }
        let message: SecAggPartyMessage
        do { message = try SecureSumWire.decode(SecAggPartyMessage.self, from: payload) }
        catch { throw refusal("\(upload) is not a party message", context, partner: partner, cause: error, code: .invalidArgument) }
        guard message.party == party, message.stage == SecAggStage.allCases[stage] else {
            throw refusal("\(upload) carries party \(message.party)'s \(message.stage.rawValue) message; \(partner) is party \(party)", context, partner: partner, code: .invalidArgument)
        }
        let state = try await load(context)
        guard state.closed.count == stage else {
            throw refusal("stage \(stage + 1) is \(state.closed.count > stage ? "closed" : "not open yet")", context, partner: partner)
        }
        var (machine, _, expected) = try await replay(state, context)
        guard expected.contains(party) else { throw refusal("\(partner) is no longer in the protocol", context, partner: partner) }
        do { try machine.receive(message) } catch { throw refusal("\(partner)'s \(message.stage.rawValue) message is refused", context, partner: partner, cause: error, code: .invalidArgument) }
    }

    /// Moves the round's protocol on as far as the parties' messages allow.
    func advance(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Outcome {
        var state = try await load(context)
        if state.closed.isEmpty, try await context.artifact(SecureSumWire.stateArtifact(round: round)) == nil { try await store(state, context) }
        var (machine, step, expected) = try await replay(state, context)
        if case .finished(let result)? = step { return .finished(result) }
        if case .send(let messages)? = step, try await context.artifact(SecureSumWire.serverArtifact(round: round, stage: state.closed.count)) == nil {
            try await publish(messages, stage: state.closed.count, context)
        }
        let stage = state.closed.count
        var present: [(party: Int, message: SecAggPartyMessage)] = [], waiting: [String] = []
        for party in expected {
            if let m = try await message(stage, party: party, context) { present.append((party, m)) } else { waiting.append(roster.ids[party]) }
        }
        let late = deadlineS > 0 && context.now - state.openedMs > Int64(deadlineS) * 1000
        let text = "round \(round): secure aggregation, stage \(stage + 1) of 5 (\(SecAggStage.allCases[stage].rawValue)): waiting for \(waiting.joined(separator: ", "))"
        guard waiting.isEmpty || (late && present.count >= configuration.threshold) else {
            if late, present.count < configuration.threshold, !present.isEmpty || stage > 0 {
                throw refusal("only \(present.count) of \(expected.count) parties answered stage \(stage + 1) by the deadline; the protocol needs \(configuration.threshold)", context)
            }
            return .waiting(text)
        }
        var counted: [Int] = []
        for (party, m) in present {
            do { try machine.receive(m); counted.append(party) } catch { context.logger.warning("round \(round): \(roster.ids[party])'s message refused at closing: \(error)") }
        }
        let next: SecAggCoordinator.Step
        do { next = try await machine.closeStage() } catch { throw refusal("closing stage \(stage + 1)", context, cause: error) }
        state.closed.append(counted)
        state.openedMs = context.now
        // The record first: a coordinator killed before the messages are published republishes them from the replay.
        try await store(state, context)
        // The machine as it stands is what a replay of the new record gives: keep it for the next call.
        let nextExpected: [Int]
        if case .send(let messages) = next { nextExpected = messages.keys.sorted() } else { nextExpected = expected }
        let key = replayKey(state, context)
        Self.replays.withLock { $0.put(key, (machine, next, nextExpected)) }
        switch next {
        case .send(let messages):
            try await publish(messages, stage: stage + 1, context)
            let names = messages.keys.sorted().map { roster.ids[$0] }.joined(separator: ", ")
            return .waiting("round \(round): secure aggregation, stage \(stage + 2) of 5 (\(SecAggStage.allCases[stage + 1].rawValue)): waiting for \(names)")
        case .finished(let result):
            return .finished(result)
        }
    }

    /// Publishes the coordinator's messages after `stage` closed.
    private func publish(_ messages: [Int: SecAggServerMessage], stage: Int, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        let delivery = SecureSumDelivery(entries: messages.keys.sorted().compactMap { p in messages[p].map { .init(party: p, message: $0) } })
        do {
            let data = try SecureSumWire.encode(delivery)
            try await context.put(ArtifactRecord(name: SecureSumWire.serverArtifact(round: round, stage: stage), data: data, sha256: Digests.sha256(data)))
        } catch let error as CoordinatorRefusal { throw error } catch { throw refusal("encoding stage \(stage)'s messages", context, cause: error, code: .internalError) }
    }
}
