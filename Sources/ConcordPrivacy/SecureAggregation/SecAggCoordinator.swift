import Crypto

/// The coordinator (server) of a secure aggregation (SecAgg+): a value-type state machine that
/// checks each party's message as it arrives and, when the job engine closes a stage (at its
/// deadline, or once everyone answered), goes on with whoever answered, or refuses if fewer than
/// t did.
///
/// It never sees an input in the clear: it sums masked vectors as they arrive (memory O(d), not
/// O(n·d)), and after the unmasking stage rebuilds, from t shares each, the self-mask seeds of
/// the survivors and the masking keys of parties that dropped after sharing, to strip the masks
/// off the sum. A refused message leaves the state as it was.
public struct SecAggCoordinator: Sendable {
    /// What closing a stage yields: messages for the next stage, or the sum.
    public enum Step: Sendable {
        /// One message per party that goes on, by roster index.
        case send([Int: SecAggServerMessage])
        /// The aggregation is complete.
        case finished(SecAggResult)
    }

    /// The aggregation's parameters.
    public let configuration: SecAggConfiguration
    /// The stage whose messages are being collected.
    public internal(set) var stage: SecAggStage = .advertiseKeys
    /// Why the aggregation was refused, once ``stage`` is ``SecAggStage/failed``.
    public internal(set) var failure: PrivacyError?

    let roster: SecAggRoster
    let graph: SecAggNeighbourGraph
    let session: [UInt8]
    var advertisements: [Int: SecAggKeyAdvertisement] = [:]
    var uploads: [Int: [SecAggEncryptedShares]] = [:]
    var maskedSum: [UInt64] = []
    var masked: Set<Int> = []
    var signatures: [Int: SecAggConsistencySignature] = [:]
    var responses: [Int: SecAggUnmaskResponse] = [:]
    /// The parties whose message for each closed stage was accepted, ascending.
    public internal(set) var participants: [SecAggStage: [Int]] = [:]

    /// The coordinator of an aggregation among `roster`.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for an invalid configuration or a roster of another size.
    public init(configuration: SecAggConfiguration, roster: SecAggRoster) throws(PrivacyError) {
        try configuration.validate()
        guard roster.count == configuration.partyCount else {
            throw PrivacyError(.invalidParameter, "the roster has \(roster.count) parties, the configuration \(configuration.partyCount)",
                               context: .init(parameter: "partyCount", value: Double(roster.count)))
        }
        self.configuration = configuration
        self.roster = roster
        graph = try configuration.graph()
        session = configuration.sessionDigest(roster: roster)
    }

    /// The parties whose messages for the current stage have been accepted so far.
    public var respondents: Int {
        switch stage {
        case .advertiseKeys: advertisements.count
        case .shareKeys: uploads.count
        case .maskedInput: masked.count
        case .consistencyCheck: signatures.count
        case .unmasking: responses.count
        case .finished, .failed: 0
        }
    }

    /// Takes one party's message, after checking it.
    /// - Throws: ``PrivacyError`` `.protocolViolation`, naming the reason, for a message at the wrong
    ///   stage, from a party outside the roster or the stage, a duplicate, or one of the wrong size
    ///   or with a bad signature. The state is unchanged by a refused message.
    public mutating func receive(_ message: SecAggPartyMessage) throws(PrivacyError) {
        guard message.stage == stage else {
            throw violation("a \(message.stage.rawValue) message at stage \(stage.rawValue)", party: message.party)
        }
        guard (0..<configuration.partyCount).contains(message.party) else {
            throw violation("party \(message.party) is not in the roster", party: message.party)
        }
        switch message {
        case .keys(let m): try accept(m)
        case .shares(let m): try accept(m)
        case .maskedInput(let m): try accept(m)
        case .consistency(let m): try accept(m)
        case .unmasking(let m): try accept(m)
        }
    }

    /// Closes the current stage now with whoever answered.
    /// - Throws: ``PrivacyError`` `.tooFewParties` when fewer than t answered (or, at the end, when
    ///   some party's secret has fewer than t shares), `.protocolViolation` when revealed shares do
    ///   not agree; after either the coordinator is ``SecAggStage/failed`` for good.
    /// - Complexity: the last stage expands O(d · (survivors + dropped · k)) ChaCha20 words, on all cores.
    public mutating func closeStage() async throws(PrivacyError) -> Step {
        do throws(PrivacyError) {
            switch stage {
            case .advertiseKeys: return .send(try closeAdvertisement())
            case .shareKeys: return .send(try closeSharing())
            case .maskedInput: return .send(try closeMaskedInput())
            case .consistencyCheck: return .send(try closeConsistency())
            case .unmasking:
                let (terms, included) = try closeUnmasking()
                let sum = try await MaskExpansion.apply(terms, to: maskedSum)
                stage = .finished
                maskedSum = []
                return .finished(SecAggResult(sum: sum, values: configuration.encoding.decode(sum), included: included, participants: participants))
            case .finished, .failed:
                throw violation("the aggregation is already \(stage.rawValue)")
            }
        } catch {
            if stage != .finished { stage = .failed; failure = failure ?? error }
            throw error
        }
    }

    func violation(_ message: String, party: Int? = nil) -> PrivacyError {
        PrivacyError(.protocolViolation, message, context: .init(party: party, stage: stage.rawValue))
    }

    /// Records the stage's respondents and refuses fewer than t.
    mutating func freeze(_ parties: some Collection<Int>) throws(PrivacyError) -> [Int] {
        let sorted = parties.sorted()
        participants[stage] = sorted
        guard sorted.count >= configuration.threshold else {
            throw PrivacyError(.tooFewParties, "only \(sorted.count) parties answered stage \(stage.rawValue); the threshold is \(configuration.threshold)",
                               context: .init(value: Double(sorted.count), stage: stage.rawValue))
        }
        return sorted
    }
}

/// The outcome of a secure aggregation.
public struct SecAggResult: Sendable, Hashable, Codable {
    /// The sum in ℤ/2⁶⁴ of the included parties' encoded inputs.
    public var sum: [UInt64]
    /// The sum decoded to real values.
    public var values: [Double]
    /// The parties whose inputs are in the sum (their masked inputs arrived), ascending.
    public var included: [Int]
    /// The parties whose message for each stage was accepted, ascending.
    public var participants: [SecAggStage: [Int]]

    /// The parties that answered the stage before `stage` but not `stage` (for the first stage:
    /// the roster's parties that never answered need the roster size, so it is not reported here).
    public func dropped(at stage: SecAggStage) -> [Int] {
        guard let position = SecAggStage.allCases.firstIndex(of: stage), position > 0 else { return [] }
        let before = Set(participants[SecAggStage.allCases[position - 1]] ?? [])
        let now = Set(participants[stage] ?? [])
        return before.subtracting(now).sorted()
    }
}
