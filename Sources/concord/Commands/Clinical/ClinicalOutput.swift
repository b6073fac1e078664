import ConcordClinical
import ConcordReport
import Foundation

/// What `concord clinical simulate` and `concord clinical demo` write beside each other.
enum ClinicalOutput {
    /// Writes `results.json`, `models.csv` and `report.html` into `directory` (created when absent).
    /// - Returns: the report's URL.
    /// - Throws: ``CLIError`` naming the file that could not be written.
    static func write(_ results: ClinicalResults, to directory: URL) throws -> URL {
        do { try results.write(to: directory) } catch { throw CLIError(error.message, file: error.context.file, cause: error.cause) }
        let report = directory.appendingPathComponent("report.html")
        do { try Data(HTMLReport.render(results).utf8).write(to: report, options: .atomic) } catch {
            throw CLIError("cannot write report.html", file: report.path, cause: error)
        }
        return report
    }

    /// Runs a simulation, turning the library's errors into ``CLIError``s.
    static func simulate(_ settings: ClinicalSimulationSettings, progress: ClinicalSimulation.Progress?) async throws -> ClinicalResults {
        do {
            return try await ClinicalSimulation.run(settings: settings, progress: progress)
        } catch let error as ClinicalDataError {
            let c = error.context
            let place = c.file.map { file in c.line.map { "\(file):\($0)" } ?? file }
            let detail = [c.column.map { "column '\($0)'" }, c.site.map { "site '\($0)'" }].compactMap { $0 }.joined(separator: ", ")
            throw CLIError(error.message + (detail.isEmpty ? "" : " (\(detail))"), file: place, cause: error.cause)
        } catch let error as FederatedLearningError {
            throw CLIError(error.message, cause: error.cause)
        }
    }
}
