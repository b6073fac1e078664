import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("L2 clipping")
struct L2ClippingTests {
    @Test("a long vector is scaled to the bound along its direction; a short one is untouched")
    func clips() throws {
        var long = [3.0, -4.0, 12.0]  // norm 13
        let before = try L2Clipping.clip(&long, to: 1)
        #expect(before == 13)
        #expect(abs(L2Clipping.norm(long.withUnsafeBufferPointer { $0 }) - 1) < 1e-12)
        #expect(zip(long, [3.0, -4.0, 12.0]).allSatisfy { abs($0 - $1 / 13) < 1e-15 })
        let short = [0.1, 0.2]
        #expect(try L2Clipping.clipped(short, to: 1) == short)
        #expect(try L2Clipping.clipped([0, 0, 0], to: 0.5) == [0, 0, 0])
    }

    @Test("huge and tiny values neither overflow nor underflow; invalid bounds and values are refused")
    func extremes() throws {
        let huge = try L2Clipping.clipped([1e300, 1e300], to: 2)
        #expect(huge.allSatisfy { abs($0 - 2.0.squareRoot()) < 1e-12 })
        let tiny = [3e-300, 4e-300]
        #expect(abs(tiny.withUnsafeBufferPointer { L2Clipping.norm($0) } / 5e-300 - 1) < 1e-12)
        #expect(throws: PrivacyError.self) { try L2Clipping.clipped([1], to: 0) }
        #expect(throws: PrivacyError.self) { try L2Clipping.clipped([1], to: .infinity) }
        #expect(throws: PrivacyError.self) { try L2Clipping.clipped([.nan, 1], to: 1) }
    }
}
