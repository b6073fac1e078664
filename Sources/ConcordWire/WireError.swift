/// Why a message was refused. Every case says what was wrong so the sender's operator can fix it.
public enum WireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field is missing or has a value outside its range.
    case invalidField(String)
    /// A chunk's or artifact's SHA-256 does not match its content.
    case digestMismatch(String)
    /// A message or artifact exceeds ``WireLimits``.
    case tooLarge(String)
    /// Values that should agree (lengths, totals, offsets) do not.
    case inconsistent(String)

    public var description: String {
        switch self {
        case .invalidField(let s): "invalid field: \(s)"
        case .digestMismatch(let s): "digest mismatch: \(s)"
        case .tooLarge(let s): "too large: \(s)"
        case .inconsistent(let s): "inconsistent: \(s)"
        }
    }
}
