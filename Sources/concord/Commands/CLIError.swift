/// An error found while a command runs: printed as `Error: message`, without the usage text that
/// ArgumentParser attaches to a `ValidationError` (which is for option errors found by `validate()`).
struct CLIError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
