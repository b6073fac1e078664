/// How many connections the coordinator holds and for how long (`connections:` in
/// `coordinator.yaml`), so that a flood of idle or half-open connections cannot exhaust its file
/// descriptors and lock its members out.
///
/// ```yaml
/// connections:
///   max: 512                 # open connections on the gRPC port
///   max_per_address: 64      # of those, from one IP address
///   status_max: 64           # open connections on the status port
///   idle_timeout: 120        # seconds without traffic and no request under way before a connection is closed
///   handshake_timeout: 60    # seconds a new connection has to complete the TLS handshake
/// ```
///
/// The counts are the defence: a connection from an address at `max_per_address` is closed as
/// soon as it is accepted, and one accepted at a full port closes a connection that has not
/// completed its TLS handshake (only a certificate from the consortium's CA completes it), the
/// oldest from the address holding the most connections, so a flood cannot lock the members out and a slow handshake costs a slot, never the service. The
/// timeouts only return slots: the handshake timeout is generous (a loaded machine can take many
/// seconds for a handshake), and the idle timeout never closes a connection while a request is
/// being answered. Each event is logged as a warning (at most one every 10 seconds per port,
/// counting those not logged). Every key is optional; the effective limits are lowered when the
/// process's file-descriptor limit could not hold them (see ``FileDescriptorLimit``).
public struct ConnectionLimits: Codable, Sendable, Hashable {
    /// Open connections on the gRPC port (default 512).
    public var max: Int?
    /// Open connections on the gRPC port from one IP address (default 64).
    public var maxPerAddress: Int?
    /// Open connections on the status port (default 64).
    public var statusMax: Int?
    /// Seconds a connection may stay without traffic and without a request under way before it is
    /// closed (default 120). An RPC under way keeps its connection, which the coordinator pings
    /// after this long without traffic.
    public var idleTimeout: Double?
    /// Seconds a new connection has to complete its TLS handshake (default 60).
    public var handshakeTimeout: Double?

    private enum CodingKeys: String, CodingKey {
        case max, maxPerAddress = "max_per_address", statusMax = "status_max", idleTimeout = "idle_timeout", handshakeTimeout = "handshake_timeout"
    }

    /// Limits; nil keeps a default.
    public init(max: Int? = nil, maxPerAddress: Int? = nil, statusMax: Int? = nil, idleTimeout: Double? = nil, handshakeTimeout: Double? = nil) {
        self.max = max; self.maxPerAddress = maxPerAddress; self.statusMax = statusMax
        self.idleTimeout = idleTimeout; self.handshakeTimeout = handshakeTimeout
    }

    /// The limits in force: defaults filled in, values checked, and the connection counts
    /// lowered to fit `descriptorLimit` (the soft `RLIMIT_NOFILE`), keeping 128 descriptors for
    /// the database, logs and outgoing work.
    /// - Throws: ``ConfigError`` (with `path` "connections") for a count below 1 or a timeout
    ///   that is not a positive number of seconds.
    public func resolved(descriptorLimit: UInt64?) throws(ConfigError) -> Resolved {
        func count(_ value: Int?, _ key: String, _ fallback: Int) throws(ConfigError) -> Int {
            guard let value else { return fallback }
            guard value >= 1 else { throw ConfigError(path: "connections", reason: "\(key) must be at least 1, not \(value)") }
            return value
        }
        func seconds(_ value: Double?, _ key: String, _ fallback: Double) throws(ConfigError) -> Duration {
            let value = value ?? fallback
            guard value.isFinite, value > 0, value <= 86_400 else {
                throw ConfigError(path: "connections", reason: "\(key) must be a number of seconds above 0 and at most 86400, not \(value)")
            }
            return .milliseconds(Int64((value * 1000).rounded(.up)))
        }
        var grpc = try count(max, "max", 512)
        var status = try count(statusMax, "status_max", 64)
        let requested = (grpc, status)
        if let descriptorLimit {
            let available = Int(clamping: descriptorLimit) - 128
            if grpc + status > available {
                status = Swift.max(1, Swift.min(status, available / 8))
                grpc = Swift.max(1, available - status)
            }
        }
        return Resolved(max: grpc, maxPerAddress: Swift.min(grpc, try count(maxPerAddress, "max_per_address", 64)), statusMax: status,
                        idleTimeout: try seconds(idleTimeout, "idle_timeout", 120), handshakeTimeout: try seconds(handshakeTimeout, "handshake_timeout", 60),
                        lowered: requested != (grpc, status))
    }

    /// The limits in force.
    public struct Resolved: Sendable, Hashable {
        public var max: Int
        public var maxPerAddress: Int
        public var statusMax: Int
        public var idleTimeout: Duration
        public var handshakeTimeout: Duration
        /// Whether ``max`` or ``statusMax`` were lowered to fit the file-descriptor limit.
        public var lowered: Bool
    }
}
