import Foundation
import Testing
@testable import ConcordLinkage

/// Two sets with a known overlap: `shared` identifiers in both, the rest distinct.
private func sets(receiverOnly: Int, senderOnly: Int, shared: Int) -> (receiver: [String], sender: [String], shared: Set<String>) {
    let common = (0..<shared).map { "patient-\($0)" }
    let receiver = (0..<receiverOnly).map { "receiver-\($0)" } + common
    let sender = common.reversed() + (0..<senderOnly).map { "sender-\($0)" }
    return (receiver.shuffled(), sender.shuffled(), Set(common))
}

@Suite("Private set intersection")
struct PSIProtocolTests {
    @Test func receiverLearnsExactlyTheIntersection() async throws {
        let (receiver, sender, shared) = sets(receiverOnly: 300, senderOnly: 500, shared: 137)
        let settings = try PSISettings(session: "job-1")
        let outcome = try await PSISimulation.run(receiver: receiver, sender: sender, settings: settings)
        #expect(outcome.receiver.count == 137)
        #expect(outcome.receiver.intersection == shared.sorted())
        #expect(outcome.receiver.receiverSetSize == 437 && outcome.receiver.senderSetSize == 637)
        #expect(outcome.sender == nil)
        // Request: header + 437 elements; response: header + tags + 637 elements.
        #expect(outcome.bytesFromReceiver == 39 + 4 + 437 * 32)
        #expect(outcome.bytesFromSender == 39 + 9 + 437 * PSISettings.tagBytes(437, 637) + 637 * 32)
    }

    @Test func emptyAndDisjointSets() async throws {
        let settings = try PSISettings(session: "job-2")
        let disjoint = try await PSISimulation.run(receiver: ["a", "b"], sender: ["c", "d"], settings: settings)
        #expect(disjoint.receiver.count == 0 && disjoint.receiver.intersection == [])
        let empty = try await PSISimulation.run(receiver: [], sender: ["c"], settings: settings)
        #expect(empty.receiver.count == 0)
        let emptySender = try await PSISimulation.run(receiver: ["a"], sender: [], settings: settings)
        #expect(emptySender.receiver.count == 0)
    }

    @Test func cardinalityOnlyGivesTheCountAndShufflesTheAnswer() async throws {
        let (receiver, sender, shared) = sets(receiverOnly: 200, senderOnly: 100, shared: 64)
        let settings = try PSISettings(session: "job-3", output: .cardinality)
        let outcome = try await PSISimulation.run(receiver: receiver, sender: sender, settings: settings)
        #expect(outcome.receiver.count == shared.count)
        #expect(outcome.receiver.intersection == nil)
        // The tags come back in a different order than the request's: matching positions no
        // longer name the receiver's identifiers. Compare with the unshuffled answer.
        let receiverParty = try PSIReceiver(identifiers: receiver, settings: settings)
        var sender1 = try PSISender(identifiers: sender, settings: settings, scalar: Ristretto255.randomScalar())
        let request = try await receiverParty.request()
        let response = try await sender1.respond(to: request)
        let exact = try PSISettings(session: "job-3")
        var sender2 = try PSISender(identifiers: sender, settings: exact, scalar: Ristretto255.randomScalar())
        let ordered = try await sender2.respond(to: PSIRequest(sessionDigest: exact.sessionDigest, output: .intersection,
                                                             count: request.count, elements: request.elements))
        #expect(response.receiverTags.count == ordered.receiverTags.count)
        #expect(response.receiverTags != ordered.receiverTags)
    }

    @Test func revealGivesTheSenderTheSameIntersection() async throws {
        let (receiver, sender, shared) = sets(receiverOnly: 50, senderOnly: 70, shared: 30)
        let settings = try PSISettings(session: "job-4", revealToSender: true)
        let outcome = try await PSISimulation.run(receiver: receiver, sender: sender, settings: settings)
        #expect(outcome.sender == shared.sorted())
        #expect(outcome.receiver.intersection == shared.sorted())
        #expect(throws: LinkageError.self) { try PSISettings(session: "x", output: .cardinality, revealToSender: true) }
    }

    @Test func duplicatesCountOnce() async throws {
        let settings = try PSISettings(session: "job-5")
        let outcome = try await PSISimulation.run(receiver: ["a", "a", "b"], sender: ["a", "a", "c"], settings: settings)
        #expect(outcome.receiver.intersection == ["a"])
        #expect(outcome.receiver.receiverSetSize == 2 && outcome.receiver.senderSetSize == 2)
    }

    /// Fresh scalars and a session-bound hash: the same identifiers blind to unrelated values in
    /// two sessions (and in two runs of one session), so nothing links jobs.
    @Test func sessionsCannotBeLinked() async throws {
        let ids = (0..<50).map { "id-\($0)" }
        let one = try await PSIReceiver(identifiers: ids, settings: PSISettings(session: "job-A")).request()
        let again = try await PSIReceiver(identifiers: ids, settings: PSISettings(session: "job-A")).request()
        let other = try await PSIReceiver(identifiers: ids, settings: PSISettings(session: "job-B")).request()
        let chunks = { (r: PSIRequest) in Set(stride(from: 0, to: r.elements.count, by: 32).map { Array(r.elements[$0..<($0 + 32)]) }) }
        #expect(chunks(one).isDisjoint(with: chunks(again)))
        #expect(chunks(one).isDisjoint(with: chunks(other)))
        // Same scalar, different session: the hash alone already separates them.
        let scalar = Ristretto255.randomScalar()
        let a = try await PSIReceiver(identifiers: ids, settings: PSISettings(session: "job-A"), scalar: scalar).request()
        let b = try await PSIReceiver(identifiers: ids, settings: PSISettings(session: "job-B"), scalar: scalar).request()
        #expect(chunks(a).isDisjoint(with: chunks(b)))
    }

    @Test func messagesOfAnotherSessionOrModeAreRefused() async throws {
        let request = try await PSIReceiver(identifiers: ["a"], settings: PSISettings(session: "job-A")).request()
        var wrongSession = try PSISender(identifiers: ["a"], settings: PSISettings(session: "job-B"))
        await #expect(throws: LinkageError.self) { _ = try await wrongSession.respond(to: request) }
        var wrongMode = try PSISender(identifiers: ["a"], settings: PSISettings(session: "job-A", output: .cardinality))
        await #expect(throws: LinkageError.self) { _ = try await wrongMode.respond(to: request) }
        // A response to a different request (another count) is refused by the receiver.
        let receiver = try PSIReceiver(identifiers: ["a", "b"], settings: PSISettings(session: "job-A"))
        var sender = try PSISender(identifiers: ["a"], settings: PSISettings(session: "job-A"))
        let response = try await sender.respond(to: request)
        await #expect(throws: LinkageError.self) { _ = try await receiver.finish(response) }
    }

    @Test func malformedAndOversizedMessagesAreRefusedWithAReason() async throws {
        let settings = try PSISettings(session: "job-6")
        let request = try await PSIReceiver(identifiers: ["a", "b", "c"], settings: settings).request()
        let bytes = request.serialized()
        #expect(try PSIRequest(serialized: bytes, maximumCount: 10) == request)
        // Truncated, extended, wrong magic, wrong version, wrong kind.
        var broken: [[UInt8]] = [Array(bytes.dropLast()), bytes + [0], [], Array(bytes[0..<20])]
        var magic = bytes; magic[0] = 0x58; broken.append(magic)
        var version = bytes; version[4] = 2; broken.append(version)
        var kind = bytes; kind[5] = 2; broken.append(kind)
        var mode = bytes; mode[6] = 9; broken.append(mode)
        for broken in broken {
            #expect(throws: LinkageError.self) { _ = try PSIRequest(serialized: broken, maximumCount: 10) }
        }
        // A count beyond the limit is refused before anything is read, even when the bytes are short.
        var huge = Array(bytes[0..<39])
        huge += [0xff, 0xff, 0xff, 0xff]
        do {
            _ = try PSIRequest(serialized: huge, maximumCount: 1_000_000)
            Issue.record("an oversized request was accepted")
        } catch {
            #expect(error.code == .tooLarge)
        }
        #expect(throws: LinkageError.self) { _ = try PSIRequest(serialized: bytes, maximumCount: 2) }
        // An element that is not a canonical encoding is refused by the sender.
        var corrupt = bytes
        corrupt[39 + 4 + 31] |= 0x80
        let decoded = try PSIRequest(serialized: corrupt, maximumCount: 10)
        var sender = try PSISender(identifiers: ["a"], settings: settings)
        do {
            _ = try await sender.respond(to: decoded)
            Issue.record("a corrupt element was accepted")
        } catch {
            #expect(error.code == .malformedMessage)
        }
    }

    @Test func revealsAreChecked() async throws {
        let settings = try PSISettings(session: "job-7", revealToSender: true)
        var sender = try PSISender(identifiers: ["a", "b", "c"], settings: settings)
        #expect(throws: LinkageError.self) { _ = try sender.learn(PSIReveal(sessionDigest: settings.sessionDigest, positions: [0])) }
        let request = try await PSIReceiver(identifiers: ["a"], settings: settings).request()
        _ = try await sender.respond(to: request)
        for positions: [UInt32] in [[1, 1], [2, 1], [3]] {
            #expect(throws: LinkageError.self) { _ = try sender.learn(PSIReveal(sessionDigest: settings.sessionDigest, positions: positions)) }
        }
        let reveal = PSIReveal(sessionDigest: settings.sessionDigest, positions: [0, 2])
        #expect(try PSIReveal(serialized: reveal.serialized(), maximumCount: 5) == reveal)
    }

    @Test func tagWidthCoversTheFalseMatchBound() {
        #expect(PSISettings.tagBytes(10, 10) == 8)
        #expect(PSISettings.tagBytes(1_000_000, 1_000_000) == 10)
        #expect(PSISettings.tagBytes(Int(UInt32.max), Int(UInt32.max)) == 13)  // 40 + 64 bits
    }
}
