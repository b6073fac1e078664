// ConcordNetwork
