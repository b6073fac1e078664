// ConcordSecurity
