import ArgumentParser
import Foundation

extension ClinicalSimulateCommand {
    /// Refuses a deadline that is not a positive number of seconds, and arrival times without a
    /// deadline or that are not non-negative numbers.
    func validateDeadline() throws {
        if let roundDeadline, !(roundDeadline.isFinite && roundDeadline > 0) {
            throw ValidationError("--round-deadline must be a positive number of seconds, got \(roundDeadline)")
        }
        guard arrivalTimes != nil else { return }
        guard roundDeadline != nil else { throw ValidationError("--arrival-times needs --round-deadline SECONDS to compare with") }
        _ = try parsedArrivalTimes()
    }

    /// The --arrival-times list (nil without).
    func parsedArrivalTimes() throws -> [Double]? {
        guard let arrivalTimes else { return nil }
        let fields = arrivalTimes.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try fields.map { field in
            guard let t = Double(field), t.isFinite, t >= 0 else {
                throw ValidationError("--arrival-times: '\(field)' is not a non-negative number of seconds")
            }
            return t
        }
    }
}
