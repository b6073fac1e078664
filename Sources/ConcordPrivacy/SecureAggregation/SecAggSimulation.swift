public import Crypto

/// One secure aggregation run in process: a coordinator and every party, with parties going
/// silent at chosen stages; for tests, benchmarks and simulated jobs.
///
/// Identity keys, X25519 keys, seeds and shares all come from ``seed``, so a run is reproducible
/// (and, its secrets being derived from a public number, not private: never for real data).
public struct SecAggSimulation: Sendable {
    /// The aggregation's parameters.
    public var configuration: SecAggConfiguration
    /// One input per party, in roster order.
    public var inputs: [[Double]]
    /// The parties that go silent from each stage on (they send no message for it or later).
    public var dropouts: [SecAggStage: Set<Int>]
    /// The public seed of every secret in the run.
    public var seed: UInt64

    /// A run of `configuration` on `inputs`.
    public init(configuration: SecAggConfiguration, inputs: [[Double]], dropouts: [SecAggStage: Set<Int>] = [:], seed: UInt64) {
        self.configuration = configuration; self.inputs = inputs; self.dropouts = dropouts; self.seed = seed
    }

    /// What a run measured.
    public struct Report: Sendable {
        /// The coordinator's result.
        public var result: SecAggResult
        /// Payload bytes each party uploaded (see ``SecAggPartyMessage/payloadBytes``).
        public var bytesSent: [Int]
        /// Payload bytes each party downloaded.
        public var bytesReceived: [Int]
        /// Seconds each party spent computing its messages.
        public var partySeconds: [Double]
        /// Seconds the coordinator spent checking messages and closing stages.
        public var coordinatorSeconds: Double
        /// The parties that refused a coordinator message, and why.
        public var refusals: [Int: PrivacyError]
    }

    /// The roster ids (`party-0000` …), identity keys and roster of `count` parties from `seed`.
    public static func identities(count: Int, seed: UInt64) throws(PrivacyError) -> (ids: [String], keys: [P256.Signing.PrivateKey], roster: SecAggRoster) {
        var source = SecretSource.reproducible(.reproducible(from: seed, label: "secagg.simulation.identities"))
        let width = String(max(count - 1, 0)).count
        let ids = (0..<count).map { "party-" + String(repeating: "0", count: max(0, width - String($0).count)) + String($0) }
        var keys: [P256.Signing.PrivateKey] = []
        for _ in 0..<count {
            var key: P256.Signing.PrivateKey?
            while key == nil { key = try? P256.Signing.PrivateKey(rawRepresentation: source.bytes(32)) }
            if let key { keys.append(key) }
        }
        let roster = try SecAggRoster(Dictionary(uniqueKeysWithValues: zip(ids, keys.map(\.publicKey))))
        return (ids, keys, roster)
    }

    /// The coordinator and the parties (in roster order) of this run.
    /// - Throws: as ``SecAggParty/init(configuration:roster:id:identity:input:secrets:)``.
    public func participants() throws(PrivacyError) -> (coordinator: SecAggCoordinator, parties: [SecAggParty]) {
        let (ids, keys, roster) = try Self.identities(count: configuration.partyCount, seed: seed)
        guard inputs.count == ids.count else {
            throw PrivacyError(.invalidParameter, "\(inputs.count) inputs for \(ids.count) parties", context: .init(parameter: "inputs", value: Double(inputs.count)))
        }
        var parties: [SecAggParty] = []
        for (i, id) in ids.enumerated() {
            let secrets = SecretSource.reproducible(.reproducible(from: seed, label: "secagg.simulation.party.\(i)"))
            parties.append(try SecAggParty(configuration: configuration, roster: roster, id: id, identity: keys[i], input: inputs[i], secrets: secrets))
        }
        return (try SecAggCoordinator(configuration: configuration, roster: roster), parties)
    }

    /// Runs every stage; each closes once every active party has answered.
    /// - Throws: the coordinator's refusal (``PrivacyError`` `.tooFewParties` …), or a refused
    ///   message from an honest party (a bug).
    public func run() async throws(PrivacyError) -> Report {
        var (coordinator, parties) = try participants()
        let n = parties.count, clock = ContinuousClock()
        var sent = [Int](repeating: 0, count: n), received = sent, partyTime = [Duration](repeating: .zero, count: n)
        var coordinatorTime = Duration.zero, refusals: [Int: PrivacyError] = [:]
        var active = Set(0..<n), inbox: [Int: SecAggServerMessage] = [:]
        for stage in SecAggStage.allCases where stage < .finished {
            active.subtract(dropouts[stage] ?? [])
            for u in active.sorted() {
                let started = clock.now
                let message: SecAggPartyMessage
                do throws(PrivacyError) {
                    if stage == .advertiseKeys {
                        message = .keys(try parties[u].advertise())
                    } else if let incoming = inbox[u] {
                        received[u] += incoming.payloadBytes
                        message = try await parties[u].handle(incoming)
                    } else {
                        active.remove(u); continue
                    }
                } catch { refusals[u] = error; active.remove(u); continue }
                partyTime[u] += started.duration(to: clock.now)
                sent[u] += message.payloadBytes
                let accepted = clock.now
                try coordinator.receive(message)
                coordinatorTime += accepted.duration(to: clock.now)
            }
            let closing = clock.now
            let step = try await coordinator.closeStage()
            coordinatorTime += closing.duration(to: clock.now)
            switch step {
            case .send(let messages):
                inbox = messages
                active.formIntersection(messages.keys)
            case .finished(let result):
                return Report(result: result, bytesSent: sent, bytesReceived: received, partySeconds: partyTime.map(Self.seconds),
                              coordinatorSeconds: Self.seconds(coordinatorTime), refusals: refusals)
            }
        }
        throw PrivacyError(.protocolViolation, "the coordinator did not finish after the unmasking stage")
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
