import Testing
@testable import ConcordSecurity
