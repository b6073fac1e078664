import Foundation
import Yams

/// The variables every site's table is harmonised onto: name, type, unit, allowed codes and
/// whether a site must provide it. Read from YAML:
///
/// ```yaml
/// schema: heart-disease
/// variables:
///   - {name: age, type: number, unit: year, required: true}
///   - {name: sex, type: category, codes: [female, male], required: true}
///   - {name: cholesterol, type: number, unit: mg/dL, molar_mass: 386.65, decimals: 0, required: false}
///   - {name: exercise_angina, type: boolean, required: true}
/// outcome: {variable: exercise_angina}   # optional: what a model of these tables predicts
/// ```
public struct CommonSchema: Sendable, Hashable {
    /// The kind of value a variable holds.
    public enum ValueType: String, Sendable, Hashable, Codable {
        /// A real number, in the variable's ``Variable/unit``.
        case number
        /// One of the variable's ``Variable/codes``.
        case category
        /// `true` or `false`.
        case boolean
    }

    /// One variable of the schema.
    public struct Variable: Sendable, Hashable {
        /// The variable's name, used as the harmonised table's column name.
        public var name: String
        /// The kind of value.
        public var type: ValueType
        /// The unit numbers are expressed in (see ``ClinicalUnits``), if any.
        public var unit: String?
        /// The molar mass in g/mol of the substance measured, for conversions from mmol/L.
        public var molarMass: Double?
        /// The decimals numbers are rounded to after conversion (the schema's resolution), if any.
        public var decimals: Int?
        /// The smallest allowed number, if any.
        public var minimum: Double?
        /// The largest allowed number, if any.
        public var maximum: Double?
        /// The allowed codes of a category, in order (the first is the reference level).
        public var codes: [String]
        /// Whether every site must provide the variable; rows without it are dropped.
        public var required: Bool

        /// Creates a variable.
        public init(name: String, type: ValueType, unit: String? = nil, molarMass: Double? = nil, decimals: Int? = nil,
                    minimum: Double? = nil, maximum: Double? = nil, codes: [String] = [], required: Bool = true) {
            self.name = name; self.type = type; self.unit = unit; self.molarMass = molarMass; self.decimals = decimals
            self.minimum = minimum; self.maximum = maximum; self.codes = codes; self.required = required
        }
    }

    /// The outcome a model of the schema's tables predicts: a variable and, for a category or a
    /// number, the value that means positive (a boolean's positive value is `true`).
    public struct Outcome: Sendable, Hashable {
        /// The outcome variable's name.
        public var variable: String
        /// The value that means positive (`nil`: `true` for a boolean, `1` for a number).
        public var positive: String?

        /// An outcome.
        public init(variable: String, positive: String? = nil) { self.variable = variable; self.positive = positive }
    }

    /// The schema's name, e.g. `heart-disease`.
    public var name: String
    /// The outcome its tables are learnt for, if the schema names one (`outcome:` in YAML).
    public var outcome: Outcome?
    /// The variables, in the harmonised table's column order.
    public var variables: [Variable]

    /// Creates a schema, checking it as ``init(yaml:file:)`` does.
    /// - Throws: ``ClinicalDataError`` `.invalidSchema` for duplicate names, a category without
    ///   codes, an unknown unit or bad decimals.
    public init(name: String, variables: [Variable], outcome: Outcome? = nil, file: String? = nil) throws(ClinicalDataError) {
        self.name = name
        self.variables = variables
        self.outcome = outcome
        try validate(file: file)
    }

    /// Parses a schema from YAML text.
    /// - Throws: ``ClinicalDataError`` `.invalidSchema` (with the YAML error as cause) or `.tooLarge`.
    public init(yaml: String, file: String? = nil) throws(ClinicalDataError) {
        let context = ClinicalDataError.Context(file: file)
        guard yaml.utf8.count <= HarmonisationLimits.maxYAMLBytes else {
            throw ClinicalDataError(.tooLarge, "the schema is larger than \(HarmonisationLimits.maxYAMLBytes) bytes", context: context)
        }
        let decoded: SchemaFile
        do {
            decoded = try YAMLDecoder().decode(SchemaFile.self, from: yaml)
        } catch {
            throw ClinicalDataError(.invalidSchema, "the schema is not valid YAML of the expected shape", context: context, cause: error)
        }
        try self.init(name: decoded.schema ?? "schema", variables: decoded.variables.map(\.variable),
                      outcome: decoded.outcome.map { Outcome(variable: $0.variable, positive: $0.positive) }, file: file)
    }

    /// The variable called `name`, if any.
    public func variable(_ name: String) -> Variable? { variables.first { $0.name == name } }

    private func validate(file: String?) throws(ClinicalDataError) {
        guard !variables.isEmpty, variables.count <= HarmonisationLimits.maxVariables else {
            throw ClinicalDataError(.invalidSchema, "a schema needs 1 to \(HarmonisationLimits.maxVariables) variables, not \(variables.count)",
                                    context: .init(file: file))
        }
        var seen = Set<String>()
        for v in variables {
            let context = ClinicalDataError.Context(file: file, column: v.name)
            guard !v.name.isEmpty, seen.insert(v.name).inserted else {
                throw ClinicalDataError(.invalidSchema, "variable names must be non-empty and distinct", context: context)
            }
            if v.type == .category && (v.codes.isEmpty || Set(v.codes).count != v.codes.count) {
                throw ClinicalDataError(.invalidSchema, "a category needs a list of distinct codes", context: context)
            }
            if let unit = v.unit, v.type == .number, ClinicalUnits.isConvertible(unit), ClinicalUnits.dimension(unit, molarMass: v.molarMass) == nil {
                throw ClinicalDataError(.invalidSchema, "unit '\(unit)' needs molar_mass (g/mol)", context: context)
            }
            if let d = v.decimals, !(0...12).contains(d) {
                throw ClinicalDataError(.invalidSchema, "decimals must be in 0...12, not \(d)", context: context)
            }
        }
        if let outcome {
            guard let variable = variable(outcome.variable) else {
                throw ClinicalDataError(.invalidSchema, "the outcome '\(outcome.variable)' is not one of the schema's variables", context: .init(file: file, column: outcome.variable))
            }
            if variable.type == .category, let positive = outcome.positive, !variable.codes.contains(positive) {
                throw ClinicalDataError(.invalidSchema, "the outcome's positive value '\(positive)' is not one of \(variable.codes.joined(separator: ", "))",
                                        context: .init(file: file, column: outcome.variable))
            }
        }
    }
}

/// The YAML shape of a schema file.
private struct SchemaFile: Decodable {
    struct Entry: Decodable {
        var name: String
        var type: CommonSchema.ValueType
        var unit: String?
        var molar_mass: Double?
        var decimals: Int?
        var minimum: Double?
        var maximum: Double?
        var codes: [String]?
        var required: Bool?

        var variable: CommonSchema.Variable {
            .init(name: name, type: type, unit: unit, molarMass: molar_mass, decimals: decimals, minimum: minimum,
                  maximum: maximum, codes: codes ?? [], required: required ?? true)
        }
    }
    struct OutcomeEntry: Decodable {
        var variable: String
        var positive: String?
    }
    var schema: String?
    var variables: [Entry]
    var outcome: OutcomeEntry?
}
