import Testing
@testable import ConcordNetwork
