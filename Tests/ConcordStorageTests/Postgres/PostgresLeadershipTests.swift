@testable import ConcordStorage
import Foundation
import PostgresNIO
import Testing

/// The leadership among coordinators on one PostgreSQL schema: one holder at a time, per schema,
/// passed on when the holder releases it or its session ends.
@Suite("PostgreSQL leadership", .enabled(if: PostgresGate.enabled, PostgresGate.note))
struct PostgresLeadershipTests {
    @Test("one leader per schema; a standby takes over when the leader releases; other schemas have their own")
    func oneLeaderPerSchema() async throws {
        let url = try PostgresGate.freshURL()
        let first = try await PostgresGate.open(url), second = try await PostgresGate.open(url)
        let elsewhere = try await PostgresGate.open(try PostgresGate.freshURL())
        let a = PostgresLeadership(store: first), b = PostgresLeadership(store: second), c = PostgresLeadership(store: elsewhere)

        #expect(try await a.tryAcquire())
        #expect(try await a.tryAcquire(), "asking again while leading keeps the leadership")
        #expect(try await !b.tryAcquire(), "a second coordinator on the schema is a standby")
        #expect(try await c.tryAcquire(), "another schema's coordinator leads its own")
        try await a.checkHeld()
        await #expect(throws: StorageError.self) { try await b.checkHeld() }

        await a.release()
        #expect(!(await a.isLeader))
        #expect(try await b.tryAcquire(), "the standby takes over once the leader lets go")
        #expect(try await !a.tryAcquire(), "the old leader is now the standby")
        for leadership in [a, b, c] { await leadership.release() }
        for store in [first, second, elsewhere] { try await store.close() }
    }

    @Test("a release hands the leadership over at once, back and forth (no wait for the old session to end)")
    func handOver() async throws {
        let url = try PostgresGate.freshURL()
        let first = try await PostgresGate.open(url), second = try await PostgresGate.open(url)
        let a = PostgresLeadership(store: first), b = PostgresLeadership(store: second)
        var (leader, standby) = (a, b)
        #expect(try await leader.tryAcquire())
        for round in 0..<20 {
            await leader.release()
            #expect(try await standby.tryAcquire(), "round \(round): the standby takes over as soon as the leader has released")
            #expect(try await !leader.tryAcquire(), "round \(round): the old leader is now the standby")
            try await standby.checkHeld()
            (leader, standby) = (standby, leader)
        }
        for leadership in [a, b] { await leadership.release() }
        for store in [first, second] { try await store.close() }
    }

    @Test("when the leader's session ends, the leader finds out and the standby takes over")
    func sessionEnds() async throws {
        let url = try PostgresGate.freshURL()
        let first = try await PostgresGate.open(url), second = try await PostgresGate.open(url)
        let a = PostgresLeadership(store: first), b = PostgresLeadership(store: second)
        #expect(try await a.tryAcquire())
        #expect(try await !b.tryAcquire())

        // Ends the leader's session from outside, as a server does when the leader's process dies.
        let terminated = try await second.database.rows("ending the leader's session", .init(), """
            SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
              AND objid = (SELECT oid FROM pg_namespace WHERE nspname = \(second.configuration.schema))
            """)
        #expect(try terminated.map { try $0.decode(Bool.self) } == [true])
        await #expect(throws: StorageError.self, "the leader notices that its session is gone") { try await a.checkHeld() }
        #expect(!(await a.isLeader))
        // The server frees the lock once the terminated backend has exited (moments, however loaded the machine).
        var taken = false
        for _ in 0..<1200 where !taken {
            taken = try await b.tryAcquire()
            if !taken { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(taken, "the standby takes over")
        for leadership in [a, b] { await leadership.release() }
        for store in [first, second] { try await store.close() }
    }
}
