import Testing
@testable import ConcordStorage
