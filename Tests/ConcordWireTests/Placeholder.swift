import Testing
@testable import ConcordWire
