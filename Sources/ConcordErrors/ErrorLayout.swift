import Foundation

/// How an error's description arranges its code, message, context and cause.
///
/// The standard layout is `message (context): cause`. Other layouts keep the wording people and
/// scripts already know: `code: message (context): cause` for federation, job, storage and wire
/// errors, `file:line: message (cause)` for errors about a place in a file.
public struct ErrorLayout: Sendable, Hashable {
    /// Where the context goes.
    public enum ContextPlacement: Sendable, Hashable {
        /// `message (context)`.
        case afterMessage
        /// `context: message`, as compilers name a file and line.
        case beforeMessage
        /// Not shown: the message names what it concerns.
        case omitted
    }

    /// How the cause follows the rest.
    public enum CausePlacement: Sendable, Hashable {
        /// `…: cause` (just the cause when there is nothing else).
        case afterColon
        /// `… (cause)`.
        case inParentheses
        /// `… (cause: cause)`.
        case labelled
        /// `… (cause: "cause")`, as grpc-swift's `RPCError` writes it.
        case labelledQuoted
        /// Not shown: the message already says what the cause said.
        case omitted
    }

    /// Whether the code's name comes first (`invalid setting: …`).
    public var showsCode: Bool
    /// Where the context goes.
    public var context: ContextPlacement
    /// How the cause follows the rest.
    public var cause: CausePlacement

    /// A layout.
    public init(showsCode: Bool = false, context: ContextPlacement = .afterMessage, cause: CausePlacement = .afterColon) {
        self.showsCode = showsCode
        self.context = context
        self.cause = cause
    }

    /// `message (context): cause`.
    public static let standard = ErrorLayout()
    /// `code: message (context): cause`.
    public static let codeFirst = ErrorLayout(showsCode: true)
    /// `context: message: cause`, the context naming a place (`data.csv:12`, `record 3, line 7`).
    public static let placeFirst = ErrorLayout(context: .beforeMessage)
    /// `message: cause`, for errors whose message names what they concern.
    public static let messageOnly = ErrorLayout(context: .omitted)

    /// The description of an error with these parts; the parts are joined by `: `, empty ones left out.
    public func describe(codeName: String, message: String, context items: [ErrorContextItem], cause: (any Error)?) -> String {
        let about = items.text
        var parts: [String] = []
        if context == .beforeMessage, !about.isEmpty { parts.append(about) }
        if showsCode { parts.append(codeName) }
        var body = message
        if context == .afterMessage, !about.isEmpty { body += (body.isEmpty ? "" : " ") + "(\(about))" }
        if !body.isEmpty { parts.append(body) }
        let head = parts.joined(separator: ": ")
        guard let cause else { return head }
        let said = readableDescription(of: cause)
        switch self.cause {
        case .afterColon: return head.isEmpty ? said : "\(head): \(said)"
        case .inParentheses: return head.isEmpty ? said : "\(head) (\(said))"
        case .labelled: return "\(head) (cause: \(said))"
        case .labelledQuoted: return "\(head) (cause: \"\(said)\")"
        case .omitted: return head
        }
    }
}

/// An error as people should read it: Foundation's errors by their localized description (their
/// `description` dumps the user-info dictionary), every other error by its description.
public func readableDescription(of error: any Error) -> String {
    if error is CocoaError || error is POSIXError || error is URLError || type(of: error) is NSError.Type {
        return error.localizedDescription
    }
    return String(describing: error)
}
