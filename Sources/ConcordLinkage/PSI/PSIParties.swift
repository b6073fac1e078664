import Foundation

/// Identifiers de-duplicated in first-occurrence order, checked against the limit.
private func uniqueIdentifiers(_ identifiers: [String], limit: Int, party: String) throws(LinkageError) -> [String] {
    var seen = Set<String>(minimumCapacity: identifiers.count)
    var unique: [String] = []
    unique.reserveCapacity(identifiers.count)
    for identifier in identifiers where seen.insert(identifier).inserted { unique.append(identifier) }
    guard unique.count <= limit else {
        throw LinkageError(.tooLarge, "the \(party) holds \(unique.count) distinct identifiers, more than the limit of \(limit)",
                           context: .init(field: "maximumSetSize"))
    }
    return unique
}

/// The hashed, blinded elements `scalar·H(id)` of `identifiers`, 32 bytes each, over both cores.
private func blind(_ identifiers: [String], scalar: [UInt8], hasher: RistrettoHasher) async -> [UInt8]? {
    await PSIParallel.map(count: identifiers.count, width: Ristretto255.elementBytes) { i, output, point in
        var identifier = identifiers[i]
        return identifier.withUTF8 { utf8 in
            hasher.hash(UnsafeRawBufferPointer(utf8), into: point)
            return scalar.withUnsafeBufferPointer { s in
                guard let sb = s.baseAddress else { return false }
                return Ristretto255.multiply(sb, point, into: output)
            }
        }
    }
}

/// The tags of `scalar · element` for each of `count` received 32-byte elements, over both
/// cores; nil when an element is not a canonical encoding (or the product is the identity).
private func multiplyAndTag(_ elements: [UInt8], count: Int, scalar: [UInt8], tagger: PSITagger) async -> [UInt8]? {
    await PSIParallel.map(count: count, width: tagger.width) { i, output, product in
        let ok = elements.withUnsafeBufferPointer { e in
            scalar.withUnsafeBufferPointer { s in
                guard let eb = e.baseAddress, let sb = s.baseAddress else { return false }
                return Ristretto255.multiply(sb, eb + i * Ristretto255.elementBytes, into: product)
            }
        }
        guard ok else { return false }
        tagger.tag(product, into: output)
        return true
    }
}

/// The party of a private set intersection that learns the result (the intersection, or only its
/// size): it sends ``request()``, receives the sender's ``PSIResponse`` and ``finish(_:)``es.
///
/// A transport-free state machine: what it sends and receives are values with a binary form
/// (``PSIRequest/serialized()``), carried by whatever the caller uses.
public struct PSIReceiver: Sendable {
    /// The agreed settings.
    public let settings: PSISettings
    /// The receiver's identifiers, normalised by the caller, de-duplicated in first-occurrence order.
    public let identifiers: [String]
    /// The secret scalar `a`, fresh for this session.
    let scalar: [UInt8]

    /// A receiver with a fresh secret scalar from the system's CSPRNG.
    public init(identifiers: [String], settings: PSISettings) throws(LinkageError) {
        try self.init(identifiers: identifiers, settings: settings, scalar: Ristretto255.randomScalar())
    }

    init(identifiers: [String], settings: PSISettings, scalar: [UInt8]) throws(LinkageError) {
        self.settings = settings
        self.identifiers = try uniqueIdentifiers(identifiers, limit: settings.maximumSetSize, party: "receiver")
        self.scalar = scalar
    }

    /// The first message: `a·H(x)` for every identifier, in ``identifiers`` order.
    public func request() async throws(LinkageError) -> PSIRequest {
        let hasher = RistrettoHasher(dst: settings.hashDST)
        guard let elements = await blind(identifiers, scalar: scalar, hasher: hasher) else {
            throw LinkageError(.protocolViolation, "an identifier hashed to the identity element (probability 2⁻²⁵²)")
        }
        return PSIRequest(sessionDigest: settings.sessionDigest, output: settings.output, count: identifiers.count, elements: elements)
    }

    /// The result, from the sender's response; refused when the response belongs to another
    /// session or mode, does not answer this request, or holds an invalid element.
    public func finish(_ response: PSIResponse) async throws(LinkageError) -> PSIReceiverResult {
        guard response.sessionDigest == settings.sessionDigest else {
            throw LinkageError(.protocolViolation, "the PSI response belongs to another session", context: .init(message: "response"))
        }
        guard response.output == settings.output else {
            throw LinkageError(.protocolViolation, "the PSI response is in \(response.output) mode, the session in \(settings.output) mode",
                               context: .init(message: "response"))
        }
        guard response.receiverCount == identifiers.count else {
            throw LinkageError(.protocolViolation, "the PSI response answers \(response.receiverCount) identifiers, the request sent \(identifiers.count)",
                               context: .init(message: "response"))
        }
        guard response.senderCount <= settings.maximumSetSize else {
            throw LinkageError(.tooLarge, "the sender holds \(response.senderCount) identifiers, more than the limit of \(settings.maximumSetSize)",
                               context: .init(message: "response"))
        }
        guard response.tagBytes == PSISettings.tagBytes(response.receiverCount, response.senderCount) else {
            throw LinkageError(.protocolViolation, "the PSI response's tags have \(response.tagBytes) bytes, the protocol asks for \(PSISettings.tagBytes(response.receiverCount, response.senderCount))",
                               context: .init(message: "response"))
        }
        let width = response.tagBytes
        let tagger = PSITagger(sessionDigest: settings.sessionDigest, width: width)
        let senderTags = await multiplyAndTag(response.senderElements, count: response.senderCount, scalar: scalar, tagger: tagger)
        guard let senderTags else {
            throw LinkageError(.malformedMessage, "the PSI response holds a sender element that is not a valid ristretto255 encoding",
                               context: .init(message: "response"))
        }
        // The sender's tags by position, then every receiver tag looked up.
        var senderPositions = [UInt128: UInt32](minimumCapacity: response.senderCount)
        senderTags.withUnsafeBufferPointer { tags in
            for j in 0..<response.senderCount { senderPositions[PSITagger.key(tags, at: j, width: width)] = UInt32(j) }
        }
        var matchedReceiver: [Int] = []
        var matchedSender: [UInt32] = []
        response.receiverTags.withUnsafeBufferPointer { tags in
            for i in 0..<response.receiverCount {
                if let position = senderPositions[PSITagger.key(tags, at: i, width: width)] {
                    matchedReceiver.append(i); matchedSender.append(position)
                }
            }
        }
        let intersection: [String]? = settings.output == .intersection ? matchedReceiver.map { identifiers[$0] }.sorted() : nil
        let reveal = settings.revealToSender ? PSIReveal(sessionDigest: settings.sessionDigest, positions: matchedSender.sorted()) : nil
        return PSIReceiverResult(count: matchedReceiver.count, intersection: intersection,
                                 receiverSetSize: identifiers.count, senderSetSize: response.senderCount, reveal: reveal)
    }
}

/// What the receiver learnt.
public struct PSIReceiverResult: Sendable, Hashable {
    /// How many identifiers the two sets share.
    public let count: Int
    /// The shared identifiers (the receiver's normalised spellings), sorted; nil in cardinality mode.
    public let intersection: [String]?
    /// How many distinct identifiers the receiver holds.
    public let receiverSetSize: Int
    /// How many distinct identifiers the sender holds (the protocol reveals it).
    public let senderSetSize: Int
    /// The message that tells the sender which of its identifiers matched, when the settings ask for it.
    public let reveal: PSIReveal?
}

/// The party of a private set intersection that answers: it blinds the receiver's elements with
/// its own secret scalar and sends its own blinded identifiers in a random order. It learns the
/// receiver's set size and, only when the settings reveal it, the intersection.
public struct PSISender: Sendable {
    /// The agreed settings.
    public let settings: PSISettings
    /// The sender's identifiers, normalised by the caller, de-duplicated in first-occurrence order.
    public let identifiers: [String]
    /// The secret scalar `b`, fresh for this session.
    let scalar: [UInt8]
    /// The order in which the response lists the sender's identifiers: `order[k]` is the index
    /// in ``identifiers`` of the k-th element sent. Nil until ``respond(to:)``.
    var order: [Int]?

    /// A sender with a fresh secret scalar from the system's CSPRNG.
    public init(identifiers: [String], settings: PSISettings) throws(LinkageError) {
        try self.init(identifiers: identifiers, settings: settings, scalar: Ristretto255.randomScalar())
    }

    init(identifiers: [String], settings: PSISettings, scalar: [UInt8]) throws(LinkageError) {
        self.settings = settings
        self.identifiers = try uniqueIdentifiers(identifiers, limit: settings.maximumSetSize, party: "sender")
        self.scalar = scalar
    }

    /// The answer to the receiver's request; refused when the request belongs to another session
    /// or mode, is larger than the limit, or holds an element that is not a valid encoding.
    public mutating func respond(to request: PSIRequest) async throws(LinkageError) -> PSIResponse {
        guard request.sessionDigest == settings.sessionDigest else {
            throw LinkageError(.protocolViolation, "the PSI request belongs to another session", context: .init(message: "request"))
        }
        guard request.output == settings.output else {
            throw LinkageError(.protocolViolation, "the PSI request asks for \(request.output) output, the session is in \(settings.output) mode",
                               context: .init(message: "request"))
        }
        guard request.count <= settings.maximumSetSize, request.elements.count == request.count * Ristretto255.elementBytes else {
            throw LinkageError(.tooLarge, "the PSI request holds \(request.count) identifiers, more than the limit of \(settings.maximumSetSize)",
                               context: .init(message: "request"))
        }
        let width = PSISettings.tagBytes(request.count, identifiers.count)
        let tagger = PSITagger(sessionDigest: settings.sessionDigest, width: width)
        let tags = await multiplyAndTag(request.elements, count: request.count, scalar: scalar, tagger: tagger)
        guard var tags else {
            throw LinkageError(.malformedMessage, "the PSI request holds an element that is not a valid ristretto255 encoding",
                               context: .init(message: "request"))
        }
        var generator = SystemRandomNumberGenerator()
        if settings.output == .cardinality {
            // Shuffled whole tags: the receiver can count its matches but not tell which they are.
            var permutation = Array(0..<request.count)
            permutation.shuffle(using: &generator)
            var shuffled = [UInt8](repeating: 0, count: tags.count)
            for (k, i) in permutation.enumerated() {
                for b in 0..<width { shuffled[k * width + b] = tags[i * width + b] }
            }
            tags = shuffled
        }
        var order = Array(0..<identifiers.count)
        order.shuffle(using: &generator)
        let ordered = order.map { identifiers[$0] }
        let hasher = RistrettoHasher(dst: settings.hashDST)
        guard let elements = await blind(ordered, scalar: scalar, hasher: hasher) else {
            throw LinkageError(.protocolViolation, "an identifier hashed to the identity element (probability 2⁻²⁵²)")
        }
        self.order = order
        return PSIResponse(sessionDigest: settings.sessionDigest, output: settings.output, tagBytes: width,
                           receiverCount: request.count, senderCount: identifiers.count,
                           receiverTags: tags, senderElements: elements)
    }

    /// The intersection (the sender's spellings, sorted) from the receiver's reveal; refused
    /// before ``respond(to:)``, for another session, or with positions out of order or range.
    public func learn(_ reveal: PSIReveal) throws(LinkageError) -> [String] {
        guard let order else {
            throw LinkageError(.protocolViolation, "a PSI reveal arrived before the response was sent", context: .init(message: "reveal"))
        }
        guard settings.revealToSender else {
            throw LinkageError(.protocolViolation, "the session does not reveal the intersection to the sender", context: .init(message: "reveal"))
        }
        guard reveal.sessionDigest == settings.sessionDigest else {
            throw LinkageError(.protocolViolation, "the PSI reveal belongs to another session", context: .init(message: "reveal"))
        }
        var previous: Int = -1
        var shared: [String] = []
        shared.reserveCapacity(reveal.positions.count)
        for position in reveal.positions {
            let k = Int(position)
            guard k > previous, k < order.count else {
                throw LinkageError(.protocolViolation, "the PSI reveal's positions must be strictly increasing and below \(order.count)",
                                   context: .init(message: "reveal"))
            }
            previous = k
            shared.append(identifiers[order[k]])
        }
        return shared.sorted()
    }
}
