import ConcordClinical

extension HTMLReport {
    /// What each hospital sent during the run — model parameters, counts and loss sums — and what
    /// it never sent.
    static func clinicalDisclosure(_ r: ClinicalResults) -> String {
        let parameters = r.modelParameters.map { "\(Format.integer($0)) numbers" } ?? "a vector of numbers"
        let scaffold = r.strategy.lowercased() == "scaffold"
        var items: [String] = []
        if r.normalisation == "global" {
            items.append("<strong>Once, before training:</strong> for each feature, the number of observed and missing values, their mean and their "
                + "sum of squared deviations — summed across hospitals into one mean and standard deviation, so every hospital scales its data identically.")
        } else {
            items.append("<strong>Before training:</strong> nothing — each hospital scales its data with its own statistics (\(HTML.escape(r.normalisation)) normalisation).")
        }
        items.append("<strong>Each of the \(Format.integer(r.rounds)) rounds:</strong> the model after local training (\(parameters): the weights and bias of "
            + "the logistic regression), the number of training rows behind it, and the global model's summed loss on its rows with their count"
            + (scaffold ? "; with Scaffold also the change of its control variate (as many numbers as the model)." : "."))
        items.append("<strong>For scoring:</strong> counts only — for each test set, how many patients fall in each cell of the confusion matrix "
            + "and in each score bin; every metric in this report is computed from those counts.")
        if let c = r.contributions {
            let coalitions = c.exact ? "\(Format.integer((1 << min(r.sites.count, 30)) - 1)) coalitions a seed" : "the coalitions the estimate sampled"
            items.append("<strong>For the contributions:</strong> the same messages again, in one federated run per coalition of hospitals (\(coalitions)).")
        }
        items.append("<strong>Never:</strong> a patient row, an identifier or any value of a single patient.")
        // Each seed's rounds list the sites whose updates were aggregated (absent sites are absent).
        let updates = r.models.filter { $0.role == .federated }.flatMap(\.seeds).flatMap(\.rounds).reduce(0) { $0 + $1.weights.count }
        let lead = "In this simulation the hospitals run in one process; this is what the federated protocol passes between them. "
            + "The federated model above took \(Format.integer(updates)) model updates over \(Format.integer(r.rounds)) rounds, "
            + "\(Format.integer(r.sites.count)) hospitals and \(Format.integer(r.seeds.count)) seed\(r.seeds.count == 1 ? "" : "s"), each a model and a few counts."
        return section(id: "disclosure", title: "What left each hospital", lead: lead,
                       body: "<ul class=\"disclosure\">" + items.map { "<li>\($0)</li>" }.joined() + "</ul>")
    }

    /// How the figures were made, in the results' own words.
    static func clinicalNotes(_ r: ClinicalResults) -> String {
        let body = r.notes.isEmpty ? HTML.empty("No notes in these results.")
            : "<ul>" + r.notes.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        return section(id: "notes", title: "How these figures were made", body: body)
    }
}
