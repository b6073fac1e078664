// ConcordWire
