/// Why a federation step could not run, with what the user needs to fix it.
public enum FederationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input data cannot form a consortium (the message says why).
    case invalidData(String)
    /// A setting is out of range (the message names it).
    case invalidSetting(String)
    /// A model could not be trained.
    case training(String)
    /// Annotations from partners do not fit together (lengths, partner names).
    case inconsistentAnnotations(String)

    /// A sentence for the user.
    public var description: String {
        switch self {
        case .invalidData(let m): "invalid data: \(m)"
        case .invalidSetting(let m): "invalid setting: \(m)"
        case .training(let m): "training failed: \(m)"
        case .inconsistentAnnotations(let m): "inconsistent annotations: \(m)"
        }
    }
}
