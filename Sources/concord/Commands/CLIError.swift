import ConcordErrors

/// An error found while a command runs: printed as `Error: file: message: cause`, without the
/// usage text that ArgumentParser attaches to a `ValidationError` (which is for option errors
/// found by `validate()`).
///
/// A ``ConcordError`` like the libraries' errors: it keeps the error that caused it in ``cause``
/// instead of flattening it into the message, and ``description`` prints the whole chain.
struct CLIError: ConcordError {
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

    /// `command failed`.
    var codeName: String { "command failed" }
    /// The file.
    var contextItems: [ErrorContextItem] { file.map { [ErrorContextItem("file", $0, text: $0)] } ?? [] }
    /// `file: message: cause`, leaving out what is unknown.
    static var layout: ErrorLayout { .placeFirst }
}
