import Foundation
import Testing
@testable import ConcordLinkage

/// What a relay reads from a message's first bytes, and what a party keeps to finish after a restart.
@Suite("PSI frames and kept state")
struct PSIFrameStateTests {
    @Test("A frame read from the first bytes announces each message's kind, mode, session, counts and exact length")
    func frames() async throws {
        let settings = try PSISettings(session: "job-7", revealToSender: true)
        let receiver = try PSIReceiver(identifiers: (0..<300).map { "r\($0)" }, settings: settings)
        var sender = try PSISender(identifiers: (150..<400).map { "r\($0)" }, settings: settings)
        let request = try await receiver.request()
        let response = try await sender.respond(to: request)
        let reveal = try #require(try await receiver.finish(response).reveal)
        for (bytes, kind, receiverCount, senderCount) in [(request.serialized(), PSIMessageKind.request, 300, 0),
                                                          (response.serialized(), .response, 300, 250), (reveal.serialized(), .reveal, 150, 0)] {
            let frame = try PSIFrame(prefix: bytes.prefix(PSIFrame.prefixBytes), maximumCount: 1_000)
            #expect(frame.kind == kind && frame.byteCount == bytes.count)
            #expect(frame.receiverCount == receiverCount && frame.senderCount == senderCount)
            #expect(frame.sessionDigest == settings.sessionDigest && frame.output == .intersection)
        }
        // Counts above the limit, an unknown kind and a short prefix are refused.
        #expect(throws: LinkageError.self) { try PSIFrame(prefix: request.serialized(), maximumCount: 299) }
        var unknown = request.serialized()
        unknown[5] = 9
        #expect((#expect(throws: LinkageError.self) { try PSIFrame(prefix: unknown, maximumCount: 1_000) })?.code == .malformedMessage)
        #expect(throws: LinkageError.self) { try PSIFrame(prefix: request.serialized().prefix(20), maximumCount: 1_000) }
    }

    @Test("A receiver and a sender rebuilt from their kept state finish the session as the originals would")
    func keptState() async throws {
        let settings = try PSISettings(session: "job-8", revealToSender: true)
        let mine = (0..<200).map { "p\($0)" }, theirs = (100..<260).map { "p\($0)" }
        let receiver = try PSIReceiver(identifiers: mine, settings: settings)
        let request = try await receiver.request()
        let keptReceiver = try PSIPartyState(serialized: receiver.state.serialized(), maximumCount: 1_000)
        var sender = try PSISender(identifiers: theirs, settings: settings)
        let response = try await sender.respond(to: request)
        let keptSender = try PSIPartyState(serialized: sender.state.serialized(), maximumCount: 1_000)

        // The restarted receiver sends the same request and reads the response.
        let again = try PSIReceiver(identifiers: mine, settings: settings, state: keptReceiver)
        #expect(try await again.request() == request)
        let result = try await again.finish(response)
        #expect(result.count == 100 && result.intersection == (100..<200).map { "p\($0)" }.sorted())
        // The restarted sender names the shared identifiers from the reveal with its kept order.
        let restarted = try PSISender(identifiers: theirs, settings: settings, state: keptSender)
        #expect(try restarted.learn(try #require(result.reveal)) == (100..<200).map { "p\($0)" }.sorted())
        // A fresh receiver (another scalar) finds nothing in the same response.
        #expect(try await PSIReceiver(identifiers: mine, settings: settings).finish(response).count == 0)
    }

    @Test("A kept state that is not one, holds a zero or unreduced scalar, or lists other identifiers is refused")
    func badState() throws {
        let settings = try PSISettings(session: "job-9")
        let sender = try PSISender(identifiers: ["a", "b", "c"], settings: settings)
        var bytes = sender.state.serialized()
        #expect(throws: LinkageError.self) { try PSIPartyState(serialized: Array(bytes.prefix(10)), maximumCount: 10) }
        var zero = bytes
        for i in 5..<37 { zero[i] = 0 }
        #expect(throws: LinkageError.self) { try PSIPartyState(serialized: zero, maximumCount: 10) }
        var unreduced = bytes
        for i in 5..<37 { unreduced[i] = 0xff }
        #expect(throws: LinkageError.self) { try PSIPartyState(serialized: unreduced, maximumCount: 10) }
        // An order that repeats an identifier, or lists more than the sender holds.
        let ordered = PSIPartyState(scalar: Array(bytes[5..<37]), order: [0, 0, 1])
        #expect(throws: LinkageError.self) { try PSISender(identifiers: ["a", "b", "c"], settings: settings, state: ordered) }
        let longer = PSIPartyState(scalar: Array(bytes[5..<37]), order: [0, 1, 2, 3])
        #expect(throws: LinkageError.self) { try PSISender(identifiers: ["a", "b", "c"], settings: settings, state: longer) }
        bytes.append(0)
        #expect(throws: LinkageError.self) { try PSIPartyState(serialized: bytes, maximumCount: 10) }
    }
}
