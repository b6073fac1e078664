// ConcordStorage
