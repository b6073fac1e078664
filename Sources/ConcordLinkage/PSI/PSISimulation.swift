/// Both parties of a private set intersection in one process: every message goes through its
/// binary form and is decoded by the other side with the same limits as over a network, so the
/// bytes counted are the bytes a transport would carry (without its framing).
public enum PSISimulation {
    /// What a simulated intersection produced and cost.
    public struct Outcome: Sendable {
        /// What the receiver learnt.
        public let receiver: PSIReceiverResult
        /// The intersection as the sender learnt it, when the settings reveal it.
        public let sender: [String]?
        /// Bytes sent by the receiver (request and reveal).
        public let bytesFromReceiver: Int
        /// Bytes sent by the sender (response).
        public let bytesFromSender: Int
        /// Wall-clock seconds of the whole protocol.
        public let seconds: Double
    }

    /// Runs the protocol between a receiver holding `receiver` and a sender holding `sender`
    /// (both normalised by the caller).
    public static func run(receiver: [String], sender: [String], settings: PSISettings) async throws(LinkageError) -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let receiverParty = try PSIReceiver(identifiers: receiver, settings: settings)
        var senderParty = try PSISender(identifiers: sender, settings: settings)
        let requestBytes = try await receiverParty.request().serialized()
        let response = try await senderParty.respond(to: PSIRequest(serialized: requestBytes, maximumCount: settings.maximumSetSize))
        let responseBytes = response.serialized()
        let result = try await receiverParty.finish(PSIResponse(serialized: responseBytes, maximumCount: settings.maximumSetSize))
        var fromReceiver = requestBytes.count
        var senderView: [String]?
        if let reveal = result.reveal {
            let revealBytes = reveal.serialized()
            fromReceiver += revealBytes.count
            senderView = try senderParty.learn(PSIReveal(serialized: revealBytes, maximumCount: settings.maximumSetSize))
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Outcome(receiver: result, sender: senderView, bytesFromReceiver: fromReceiver,
                       bytesFromSender: responseBytes.count, seconds: seconds)
    }
}
