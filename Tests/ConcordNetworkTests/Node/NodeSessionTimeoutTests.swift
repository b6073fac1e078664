import Testing
@testable import ConcordNetwork

/// A node's call deadlines: each fits its call, because the coordinator's gRPC server keeps every
/// call's deadline as a sleeping task whose memory (on Linux) lasts until the deadline passes.
@Suite("Node call deadlines")
struct NodeSessionTimeoutTests {
    @Test("a long poll gets its wait and 30 s more; a plain call two minutes")
    func longPolls() {
        #expect(CallDefaults.timeout(holding: 15_000) == .seconds(45))
        #expect(CallDefaults.timeout(holding: 1) == .milliseconds(30_001))
        #expect(CallDefaults.timeout() == .seconds(120))
    }

    @Test("a transfer gets 30 s and a second per 32 KiB, at most ten minutes")
    func transfers() {
        #expect(CallDefaults.timeout(transferring: 200) == .seconds(30))
        #expect(CallDefaults.timeout(transferring: 4 << 20) == .seconds(158))
        #expect(CallDefaults.timeout(transferring: 1 << 30) == .seconds(600))
    }
}
