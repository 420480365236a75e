// AWS Signature Version 4, as a pure function: a request, credentials, region, service and a
// date in; the canonical request, the string to sign, the signature and the headers (or query
// parameters) to add out. SHA-256 and HMAC come from swift-crypto.
//
// Two rule sets for the path: the general one normalises it (dot segments, repeated slashes)
// and URI-encodes each segment of the path as sent, which encodes an already encoded path a
// second time; S3's takes the path exactly as sent.

import Crypto
import Foundation

/// Signs requests for one service in one region.
public struct SigV4Signer: Sendable {
    /// How the request path becomes the canonical URI.
    public enum PathRules: Sendable, Hashable {
        /// Normalised and URI-encoded again (every service but S3).
        case general
        /// Exactly as sent, already encoded once (S3).
        case s3
    }

    /// A request as it goes on the wire.
    public struct Request: Sendable, Hashable {
        /// The method, e.g. `GET`.
        public var method: String
        /// The path as sent (percent-encoded as it will be on the wire), starting with `/`.
        public var path: String
        /// The query string as sent, without `?`; empty for none.
        public var query: String
        /// Headers in the order sent; a name may repeat.
        public var headers: [(name: String, value: String)]
        /// The body.
        public var body: [UInt8]
        /// What stands for the body in the signature: nil for its SHA-256 (the default), or a
        /// value such as ``SigV4Signer/unsignedPayload`` for a body that is not signed.
        public var payloadHash: String?

        /// A request from its parts.
        public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)], body: [UInt8] = [],
                    payloadHash: String? = nil) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
            self.payloadHash = payloadHash
        }

        /// Compares every part, headers in order.
        public static func == (a: Request, b: Request) -> Bool {
            a.method == b.method && a.path == b.path && a.query == b.query && a.body == b.body && a.payloadHash == b.payloadHash
                && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
        }

        /// Hashes every part.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(method); hasher.combine(path); hasher.combine(query); hasher.combine(body); hasher.combine(payloadHash)
            for header in headers { hasher.combine(header.name); hasher.combine(header.value) }
        }
    }

    /// What signing produced: what to send, and the intermediate texts (for tests and
    /// debugging; they hold no secret).
    public struct Signature: Sendable, Hashable {
        /// Headers to add to the request, in this order: the signature's for header signing; for
        /// query signing, only `x-amz-content-sha256` when the payload is a fixed value.
        public var headers: [(name: String, value: String)]
        /// Query parameters to append, in this order, already encoded (query signing), or empty.
        public var queryItems: [(name: String, value: String)]
        /// The canonical request that was signed.
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
        /// The signature, lower-case hex.
        public var signature: String

        /// Compares every part.
        public static func == (a: Signature, b: Signature) -> Bool {
            a.signature == b.signature && a.canonicalRequest == b.canonicalRequest && a.stringToSign == b.stringToSign
                && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
                && a.queryItems.map(\.name) == b.queryItems.map(\.name) && a.queryItems.map(\.value) == b.queryItems.map(\.value)
        }

        /// Hashes the signature (which determines the rest).
        public func hash(into hasher: inout Hasher) { hasher.combine(signature) }
    }

    /// The credentials requests are signed with.
    public var credentials: AWSCredentials
    /// The region, e.g. `eu-west-1`.
    public var region: String
    /// The signing name of the service, e.g. `s3`, `glue`, `athena`.
    public var service: String
    /// The path rules; `.s3` for S3, `.general` otherwise.
    public var pathRules: PathRules
    /// Also send `x-amz-content-sha256` (S3 requires it).
    public var signsPayloadHeader: Bool
    /// Sign the session token (`x-amz-security-token` in the signed headers); when false it is
    /// added after signing, as a few services require.
    public var signsSessionToken: Bool

    /// The payload value of a request whose body is not signed (S3 over TLS, presigned URLs).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// Headers never signed: proxies and clients change them on the way.
    static let unsignable: Set<String> = [
        "authorization", "user-agent", "expect", "x-amzn-trace-id", "transfer-encoding", "connection", "upgrade",
        "proxy-authorization", "te",
    ]

    /// A signer; `pathRules` defaults to S3's for the `s3` service.
    public init(credentials: AWSCredentials, region: String, service: String, pathRules: PathRules? = nil,
                signsPayloadHeader: Bool? = nil, signsSessionToken: Bool = true) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.pathRules = pathRules ?? (service == "s3" ? .s3 : .general)
        self.signsPayloadHeader = signsPayloadHeader ?? (service == "s3")
        self.signsSessionToken = signsSessionToken
    }

    // MARK: Signing

    /// Signs with an `Authorization` header.
    public func sign(_ request: Request, date: Date) -> Signature {
        let stamp = SigV4Signer.timestamps(date)
        let payload = request.payloadHash ?? SigV4Signer.hex(SHA256.hash(data: request.body))
        var headers = request.headers
        var added: [(name: String, value: String)] = []
        if let token = credentials.sessionToken, signsSessionToken {
            added.append(("X-Amz-Security-Token", token))
        }
        added.append(("X-Amz-Date", stamp.dateTime))
        if signsPayloadHeader { added.append(("x-amz-content-sha256", payload)) }
        headers += added
        let (canonicalHeaders, signedHeaders) = canonicalize(headers)
        let canonical = [request.method, canonicalURI(request.path), canonicalQuery(request.query), canonicalHeaders, "",
                         signedHeaders, payload].joined(separator: "\n")
        let scope = "\(stamp.date)/\(region)/\(service)/aws4_request"
        let toSign = stringToSign(canonical, dateTime: stamp.dateTime, scope: scope)
        let signature = sign(toSign, date: stamp.date)
        added.append(("Authorization", "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"))
        if let token = credentials.sessionToken, !signsSessionToken { added.append(("X-Amz-Security-Token", token)) }
        return Signature(headers: added, queryItems: [], canonicalRequest: canonical, stringToSign: toSign, signature: signature)
    }

    /// Signs in the query string (a presigned URL valid for `expires`).
    public func presign(_ request: Request, date: Date, expires: Duration) -> Signature {
        let stamp = SigV4Signer.timestamps(date)
        let payload = request.payloadHash ?? SigV4Signer.hex(SHA256.hash(data: request.body))
        let scope = "\(stamp.date)/\(region)/\(service)/aws4_request"
        // A body stood in for by a fixed value (UNSIGNED-PAYLOAD) is announced in a signed
        // header, as the service must know it; a hashed body is checked by the signature alone.
        var added: [(name: String, value: String)] = []
        if signsPayloadHeader, let fixed = request.payloadHash { added.append(("x-amz-content-sha256", fixed)) }
        let (canonicalHeaders, signedHeaders) = canonicalize(request.headers + added)
        var items: [(name: String, value: String)] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", SigV4Signer.encode("\(credentials.accessKeyID)/\(scope)")),
            ("X-Amz-Date", stamp.dateTime),
            ("X-Amz-SignedHeaders", SigV4Signer.encode(signedHeaders)),
            ("X-Amz-Expires", String(max(0, expires.components.seconds))),
        ]
        if let token = credentials.sessionToken, signsSessionToken { items.append(("X-Amz-Security-Token", SigV4Signer.encode(token))) }
        let query = ([request.query].filter { !$0.isEmpty } + items.map { "\($0.name)=\($0.value)" }).joined(separator: "&")
        let canonical = [request.method, canonicalURI(request.path), canonicalQuery(query), canonicalHeaders, "",
                         signedHeaders, payload].joined(separator: "\n")
        let toSign = stringToSign(canonical, dateTime: stamp.dateTime, scope: scope)
        let signature = sign(toSign, date: stamp.date)
        items.append(("X-Amz-Signature", signature))
        if let token = credentials.sessionToken, !signsSessionToken { items.append(("X-Amz-Security-Token", SigV4Signer.encode(token))) }
        return Signature(headers: added, queryItems: items, canonicalRequest: canonical, stringToSign: toSign, signature: signature)
    }

    // MARK: Canonical forms

    func canonicalURI(_ path: String) -> String {
        switch pathRules {
        case .s3:
            // Encoded once: what is already a %XX escape stays, anything the wire cannot carry
            // as it is (a space, say) is escaped, so an encoded path and a raw one sign alike.
            return path.isEmpty ? "/" : SigV4Signer.encodeOnce(path)
        case .general:
            let normalized = SigV4Signer.removeDotSegments(path)
            return normalized.split(separator: "/", omittingEmptySubsequences: false)
                .map { SigV4Signer.encode(String($0)) }.joined(separator: "/")
        }
    }

    /// Escapes every byte outside the unreserved set and `/`, keeping `%XX` escapes as they are.
    static func encodeOnce(_ path: String) -> String {
        let bytes = Array(path.utf8)
        func isHex(_ byte: UInt8) -> Bool { (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte) }
        var out = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) {
                out += String(decoding: bytes[index...(index + 2)], as: UTF8.self)
                index += 3
                continue
            }
            let scalar = Unicode.Scalar(byte)
            if (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || "-_.~/".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += String(format: "%%%02X", byte)
            }
            index += 1
        }
        return out
    }

    /// Parameters decoded, re-encoded with only `-_.~` safe, sorted by key then value.
    func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { part -> (String, String) in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = SigV4Signer.decode(String(pieces[0]))
            let value = pieces.count > 1 ? SigV4Signer.decode(String(pieces[1])) : ""
            return (SigV4Signer.encode(key), SigV4Signer.encode(value))
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Lower-cased names, sorted; values trimmed with inner runs of spaces folded; repeated
    /// headers joined with commas in the order sent.
    func canonicalize(_ headers: [(name: String, value: String)]) -> (canonical: String, signed: String) {
        var values: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased().trimmingCharacters(in: .whitespaces)
            guard !SigV4Signer.unsignable.contains(name) else { continue }
            let folded = header.value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            values[name, default: []].append(folded)
        }
        let names = values.keys.sorted()
        let canonical = names.map { "\($0):\(values[$0, default: []].joined(separator: ","))" }.joined(separator: "\n")
        return (canonical, names.joined(separator: ";"))
    }

    func stringToSign(_ canonical: String, dateTime: String, scope: String) -> String {
        ["AWS4-HMAC-SHA256", dateTime, scope, SigV4Signer.hex(SHA256.hash(data: Array(canonical.utf8)))].joined(separator: "\n")
    }

    func sign(_ stringToSign: String, date: String) -> String {
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return SigV4Signer.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    // MARK: Helpers

    /// `yyyyMMdd` and `yyyyMMdd'T'HHmmss'Z'` in UTC.
    static func timestamps(_ date: Date) -> (date: String, dateTime: String) {
        // Clamped to 1970…2261 (what 64-bit nanoseconds hold), so that no date traps; AWS
        // refuses a signature more than 15 minutes off anyway.
        let interval = date.timeIntervalSince1970
        let seconds = interval.isFinite ? Int64(min(max(0, interval.rounded(.down)), 9_200_000_000)) : 0
        let dateTime = MachineTime.compact(secondsSinceEpoch: seconds)   // YYYYMMDDTHHMMSSZ
        return (String(dateTime.prefix(8)), dateTime)
    }

    /// RFC 3986 encoding with only unreserved characters (`A-Z a-z 0-9 - _ . ~`) left as they are.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// Percent-decoding; a malformed escape is kept as it is.
    static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 3986 section 5.2.4, with empty segments (`//`) dropped as AWS does; the trailing
    /// slash of the input is kept.
    static func removeDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        for segment in segments {
            switch segment {
            case ".": continue
            case "..": _ = output.popLast()
            default: output.append(segment)
            }
        }
        var result = "/" + output.joined(separator: "/")
        let endsInDirectory = path.hasSuffix("/") || path.hasSuffix("/.") || path.hasSuffix("/..")
        if endsInDirectory, !output.isEmpty { result += "/" }
        return result
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
