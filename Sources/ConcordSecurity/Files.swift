import Crypto
public import Foundation
import SwiftASN1
public import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a PEM certificate file (`-----BEGIN CERTIFICATE-----`).
public func loadCertificate(at url: URL) throws(SecurityError) -> Certificate {
    try PEMFiles.readCertificate(at: url, what: "certificate").certificate
}

/// Parses a PEM certificate, e.g. one received over the network.
public func parseCertificate(pem: String) throws(SecurityError) -> Certificate {
    do {
        return try Certificate(pemEncoded: pem)
    } catch {
        throw .malformedFile(path: "<PEM text>", what: "PEM certificate", cause: error)
    }
}

/// Reading and writing the kit's PEM and JSON files with the right permissions.
enum PEMFiles {
    /// Mode of private key files: owner read/write only.
    static let keyMode: mode_t = 0o600
    /// Mode of certificates and JSON lists.
    static let publicMode: mode_t = 0o644

    static func readText(at url: URL, what: String) throws(SecurityError) -> String {
        let path = url.path(percentEncoded: false)
        guard FileManager.default.fileExists(atPath: path) else { throw .missingFile(path: path, what: what) }
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .io(path: path, reason: "cannot read the \(what)", cause: error)
        }
    }

    static func readCertificate(at url: URL, what: String) throws(SecurityError) -> (certificate: Certificate, pem: String) {
        let pem = try readText(at: url, what: what)
        do {
            return (try Certificate(pemEncoded: pem), pem)
        } catch {
            throw .malformedFile(path: url.path(percentEncoded: false), what: "PEM certificate", cause: error)
        }
    }

    static func readPrivateKey(at url: URL) throws(SecurityError) -> (key: P256.Signing.PrivateKey, pem: String) {
        let pem = try readText(at: url, what: "private key")
        do {
            return (try P256.Signing.PrivateKey(pemRepresentation: pem), pem)
        } catch {
            throw .malformedFile(path: url.path(percentEncoded: false), what: "PEM P-256 private key", cause: error)
        }
    }

    /// The permission bits of a file, or `nil` when it cannot be stat'ed.
    static func permissions(at url: URL) -> mode_t? {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path(percentEncoded: false))
        guard let mode = (attributes?[.posixPermissions] as? NSNumber)?.uint16Value else { return nil }
        return mode_t(mode) & 0o7777
    }

    /// Writes `text` to a new file created with `mode` from the start, so a key is never readable by others.
    ///
    /// An existing file is replaced only when `replacing` is true.
    static func write(_ text: String, to url: URL, mode: mode_t, replacing: Bool) throws(SecurityError) {
        let path = url.path(percentEncoded: false)
        if replacing, unlink(path) != 0, errno != ENOENT {
            throw .io(path: path, reason: "cannot remove the old file: \(String(cString: strerror(errno)))")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        if fd < 0 {
            if errno == EEXIST { throw .kitExists(path: path) }
            throw .io(path: path, reason: "cannot create the file: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        // The umask may have cleared bits; set the mode exactly (never wider than asked).
        guard fchmod(fd, mode) == 0 else {
            throw .io(path: path, reason: "cannot set mode \(String(mode, radix: 8)): \(String(cString: strerror(errno)))")
        }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { posixWrite(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: "cannot write: \(String(cString: strerror(errno)))")
            }
            bytes = bytes.dropFirst(written)
        }
        guard fsync(fd) == 0 else {
            throw .io(path: path, reason: "cannot flush to disk: \(String(cString: strerror(errno)))")
        }
    }

    static func createDirectory(_ url: URL, mode: mode_t) throws(SecurityError) {
        do {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(mode)])
        } catch {
            throw .io(path: url.path(percentEncoded: false), reason: "cannot create the directory", cause: error)
        }
    }

    static func remove(_ url: URL) throws(SecurityError) {
        let path = url.path(percentEncoded: false)
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            throw .io(path: path, reason: "cannot remove it to overwrite the kit", cause: error)
        }
    }

    static func writeJSON(_ value: some Encodable, to url: URL) throws(SecurityError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw .io(path: url.path(percentEncoded: false), reason: "cannot encode JSON", cause: error)
        }
        // Write beside the target and rename, so a reader never sees a half-written list.
        let temporary = url.deletingLastPathComponent().appending(path: "." + url.lastPathComponent + ".tmp")
        try write(String(decoding: data, as: UTF8.self) + "\n", to: temporary, mode: publicMode, replacing: true)
        guard rename(temporary.path(percentEncoded: false), url.path(percentEncoded: false)) == 0 else {
            throw .io(path: url.path(percentEncoded: false), reason: "cannot replace the file: \(String(cString: strerror(errno)))")
        }
    }

    static func readJSON<Value: Decodable>(_ type: Value.Type, at url: URL, what: String) throws(SecurityError) -> Value {
        let text = try readText(at: url, what: what)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw .malformedFile(path: url.path(percentEncoded: false), what: what, cause: error)
        }
    }
}

/// `write(2)`.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Darwin)
    return Darwin.write(fd, buffer, count)
    #elseif canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Musl.write(fd, buffer, count)
    #endif
}
