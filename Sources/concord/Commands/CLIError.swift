import Foundation

/// An error found while a command runs: printed as `Error: message`, without the usage text that
/// ArgumentParser attaches to a `ValidationError` (which is for option errors found by `validate()`).
///
/// Like the libraries' errors (modelled on grpc-swift's `RPCError`) it keeps the error that caused
/// it in ``cause`` instead of flattening it into the message; ``description`` prints both.
struct CLIError: Error, CustomStringConvertible {
    /// What went wrong, for the user.
    var message: String
    /// The file the command was reading or writing, when there is one.
    var file: String?
    /// The library error that caused this one, if any.
    var cause: (any Error)?

    /// Creates an error with a message (and, optionally, the file and the underlying error).
    init(_ message: String, file: String? = nil, cause: (any Error)? = nil) {
        self.message = message
        self.file = file
        self.cause = cause
    }

    /// `file: message: cause`, leaving out what is unknown.
    var description: String {
        let head = (file.map { "\($0): " } ?? "") + message
        return cause.map { "\(head): \(CLIError.describe($0))" } ?? head
    }

    /// A cause as people should read it: Foundation's errors by their localized description (their
    /// `description` dumps the user-info dictionary), every other error by its description.
    static func describe(_ cause: any Error) -> String {
        if cause is CocoaError || cause is POSIXError || type(of: cause) is NSError.Type {
            return cause.localizedDescription
        }
        return String(describing: cause)
    }
}
