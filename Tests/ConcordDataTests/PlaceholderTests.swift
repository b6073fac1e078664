import Testing
@testable import ConcordData

@Test func moduleVersion() { #expect(!ConcordDataInfo.version.isEmpty) }
