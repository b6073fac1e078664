import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("Secure aggregation: message coding")
struct SecAggMessageCodingTests {
    @Test("Every message of a round with a dropout survives a JSON round trip, and the round completes on the decoded copies")
    func jsonRoundTrip() async throws {
        var round = try ManualRound(parties: 5, length: 6, threshold: 3)
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        var kinds = Set<String>()
        var result: SecAggResult?
        for stage in 0..<5 {
            for u in 0..<5 where !(stage >= 2 && u == 4) {      // party 4 drops after sharing: masking-key shares appear
                if let incoming = round.inbox[u] {
                    let decoded = try decoder.decode(SecAggServerMessage.self, from: encoder.encode(incoming))
                    #expect(decoded == incoming)
                    #expect(incoming.payloadBytes <= (try round.coordinator.configuration.maximumPayloadBytes()))
                    round.inbox[u] = decoded
                    switch incoming {
                    case .keys: kinds.insert("server.keys")
                    case .shares: kinds.insert("server.shares")
                    case .survivors: kinds.insert("server.survivors")
                    case .unmask: kinds.insert("server.unmask")
                    }
                }
                let message = try await round.message(from: u)
                let decoded = try decoder.decode(SecAggPartyMessage.self, from: encoder.encode(message))
                #expect(decoded == message)
                #expect(decoded.payloadBytes == message.payloadBytes)
                #expect(message.payloadBytes <= (try round.coordinator.configuration.maximumPayloadBytes()))
                if case .unmasking(let response) = message, u == 0 { #expect(!response.maskingKeyShares.isEmpty) }
                kinds.insert("party.\(message.stage)")
                try round.coordinator.receive(decoded)
            }
            result = try await round.close()
        }
        #expect(kinds.count == 4 + 5, "every kind of message was coded: \(kinds.sorted())")
        #expect(result?.values == (try SecAggFixtures.plainSum(round.inputs, parties: [0, 1, 2, 3])))
        let coded = try decoder.decode(SecAggResult.self, from: encoder.encode(result))
        #expect(coded == result)
    }

    @Test("A masked vector is coded as 8 little-endian bytes a word; a byte count not a multiple of 8 is refused")
    func maskedVectorBytes() throws {
        let message = SecAggMaskedInput(party: 3, words: [0x0102_0304_0506_0708, .max, 0])
        let json = try JSONEncoder().encode(message)
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        let bytes = (object?["words"] as? String).flatMap { Data(base64Encoded: $0) }
        #expect(bytes.map(Array.init) == [8, 7, 6, 5, 4, 3, 2, 1] + [UInt8](repeating: 255, count: 8) + [UInt8](repeating: 0, count: 8))
        let bad = Data(#"{"party":3,"words":"AQID"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SecAggMaskedInput.self, from: bad) }
        #expect(SecAggPartyMessage.maskedInput(message).payloadBytes == 4 + 24)
    }
}
