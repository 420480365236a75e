// The AWS SigV4 conformance suite: every case folder under SIGV4_SUITE (default: the copy vendored
// in Tests/Reference/aws-sigv4-test-suite/v4), header and query signing, checked at every
// step: canonical request, string to sign, signature and the signed request.

import Foundation
import LakeKit
import MomentumTestSupport
import Testing

private struct Case: Sendable, CustomStringConvertible {
    var name: String
    var folder: URL
    var description: String { name }

    static func all() throws -> [Case] {
        let configured = ProcessInfo.processInfo.environment["SIGV4_SUITE"]
        let root = try configured.map { URL(fileURLWithPath: $0) }
            ?? Repository.reference("aws-sigv4-test-suite/v4")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
            .filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/context.json").path) }
        return names.map { Case(name: $0, folder: root.appendingPathComponent($0)) }
    }

    func text(_ file: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    }
}

private struct Context: Decodable {
    struct Credentials: Decodable { var access_key_id: String; var secret_access_key: String; var token: String? }
    var credentials: Credentials
    var expiration_in_seconds: Int64?
    var normalize: Bool
    var region: String
    var service: String
    var sign_body: Bool?
    var timestamp: String
    var omit_session_token: Bool?
    var signed_body_value: String?
}

/// `request.txt`: the request line, header lines as sent, a blank line, the body.
private struct RawRequest {
    var method: String
    var path: String
    var query: String
    var headerLines: [String]
    var headers: [(name: String, value: String)]
    var body: String

    init(_ text: String) throws {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        let (head, body) = normalized.range(of: "\n\n").map { (String(normalized[..<$0.lowerBound]), String(normalized[$0.upperBound...])) }
            ?? (normalized.hasSuffix("\n") ? String(normalized.dropLast()) : normalized, "")
        var lines = head.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        // The target may hold spaces ("/example space/"): method first, protocol last.
        let method = requestLine.prefix { $0 != " " }
        let target = requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count)
        self.method = String(method)
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(parts[0])
        query = parts.count > 1 ? String(parts[1]) : ""
        headerLines = lines
        var headers: [(name: String, value: String)] = []
        for line in lines {
            // An obsolete folded line continues the previous header: another value of it.
            if line.first == " " || line.first == "\t", let previous = headers.last {
                headers.append((previous.name, line.trimmingCharacters(in: .whitespaces)))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw TestSetupError("header line without a colon: \(line)") }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        self.headers = headers
        self.body = body
    }
}

@Suite struct SigV4ConformanceTests {
    @Test func theSuiteIsThere() throws {
        let cases = try Case.all()
        #expect(cases.count >= 28, "expected the AWS SigV4 suite (SIGV4_SUITE or Tests/Reference); found \(cases.count) cases")
    }

    @Test(arguments: try Case.all())
    fileprivate func headerAndQuerySigningMatchTheSuite(_ testCase: Case) throws {
        let context = try JSONDecoder().decode(Context.self, from: Data(try testCase.text("context.json").utf8))
        let raw = try RawRequest(try testCase.text("request.txt"))
        let credentials = AWSCredentials(accessKeyID: context.credentials.access_key_id,
                                         secretAccessKey: context.credentials.secret_access_key,
                                         sessionToken: context.credentials.token)
        let signer = SigV4Signer(credentials: credentials, region: context.region, service: context.service,
                                 pathRules: context.normalize ? .general : .s3, signsPayloadHeader: context.sign_body ?? false,
                                 signsSessionToken: !(context.omit_session_token ?? false))
        let date = try #require(ISO8601DateFormatter().date(from: context.timestamp))
        let request = SigV4Signer.Request(method: raw.method, path: raw.path, query: raw.query, headers: raw.headers, body: Array(raw.body.utf8),
                                            payloadHash: context.signed_body_value)

        let header = signer.sign(request, date: date)
        #expect(header.canonicalRequest == (try testCase.text("header-canonical-request.txt")), "canonical request")
        #expect(header.stringToSign == (try testCase.text("header-string-to-sign.txt")), "string to sign")
        #expect(header.signature == (try testCase.text("header-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))
        let signedLines = ["\(raw.method) \(raw.path)\(raw.query.isEmpty ? "" : "?" + raw.query) HTTP/1.1"] + raw.headerLines
            + header.headers.map { "\($0.name):\($0.value)" }
        #expect(Self.lines(signedLines, body: raw.body) == Self.lines(try testCase.text("header-signed-request.txt")), "signed request")

        let query = signer.presign(request, date: date, expires: .seconds(context.expiration_in_seconds ?? 3600))
        #expect(query.canonicalRequest == (try testCase.text("query-canonical-request.txt")), "query canonical request")
        #expect(query.stringToSign == (try testCase.text("query-string-to-sign.txt")), "query string to sign")
        #expect(query.signature == (try testCase.text("query-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))
        let items = ([raw.query].filter { !$0.isEmpty } + query.queryItems.map { "\($0.name)=\($0.value)" }).joined(separator: "&")
        let presignedLines = ["\(raw.method) \(raw.path)?\(items) HTTP/1.1"] + raw.headerLines
            + query.headers.map { "\($0.name):\($0.value)" }
        #expect(Self.lines(presignedLines, body: raw.body) == Self.lines(try testCase.text("query-signed-request.txt")), "presigned request")
    }

    /// The families of `v4-extra` (see its README): only the upstream files there are checked.
    fileprivate static func extraCases() throws -> [Case] {
        let root = try Repository.reference("aws-sigv4-test-suite/v4-extra")
        return try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
            .filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/context.json").path) }
            .map { Case(name: $0, folder: root.appendingPathComponent($0)) }
    }

    /// `Signature=` or `X-Amz-Signature=` and `SignedHeaders=` of a signed request file.
    static func field(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: name + "=") else { return nil }
        return String(text[start.upperBound...].prefix { !",& \n".contains($0) })
    }

    @Test(arguments: try extraCases())
    fileprivate func multiLineValuesUnnormalisedSpacesAndTokensAddedAfterSigning(_ testCase: Case) throws {
        let context = try JSONDecoder().decode(Context.self, from: Data(try testCase.text("context.json").utf8))
        let raw = try RawRequest(try testCase.text("request.txt"))
        let credentials = AWSCredentials(accessKeyID: context.credentials.access_key_id, secretAccessKey: context.credentials.secret_access_key,
                                         sessionToken: context.credentials.token)
        let omitsToken = context.omit_session_token ?? false
        let signer = SigV4Signer(credentials: credentials, region: context.region, service: context.service,
                                 pathRules: context.normalize ? .general : .s3, signsPayloadHeader: context.sign_body ?? false,
                                 signsSessionToken: !omitsToken)
        let date = try #require(ISO8601DateFormatter().date(from: context.timestamp))
        let request = SigV4Signer.Request(method: raw.method, path: raw.path, query: raw.query, headers: raw.headers, body: Array(raw.body.utf8))

        let expected = try testCase.text("header-signed-request.txt")
        let header = signer.sign(request, date: date)
        #expect(header.signature == Self.field("Signature", in: expected), "header signature")
        let authorization = header.headers.first { $0.name == "Authorization" }?.value ?? ""
        #expect(Self.field("SignedHeaders", in: authorization) == Self.field("SignedHeaders", in: expected), "signed headers")
        if omitsToken, let token = context.credentials.token {
            #expect(header.headers.contains { $0.name == "X-Amz-Security-Token" && $0.value == token }, "the token is added after signing")
        }
        let query = signer.presign(request, date: date, expires: .seconds(context.expiration_in_seconds ?? 3600))
        if let canonical = try? testCase.text("query-canonical-request.txt") { #expect(query.canonicalRequest == canonical, "query canonical request") }
        if let toSign = try? testCase.text("query-string-to-sign.txt") { #expect(query.stringToSign == toSign, "query string to sign") }
        if let signed = try? testCase.text("query-signed-request.txt") { #expect(query.signature == Self.field("X-Amz-Signature", in: signed), "query signature") }
    }

    @Test func anyDateSignsWithoutTrapping() {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret"), region: "us-east-1", service: "s3")
        let request = SigV4Signer.Request(method: "GET", path: "/bucket/key", headers: [("Host", "example.com")])
        for date in [Date.distantFuture, Date.distantPast, Date(timeIntervalSince1970: .nan), Date(timeIntervalSince1970: .infinity)] {
            #expect(signer.sign(request, date: date).signature.count == 64)
            #expect(signer.presign(request, date: date, expires: .seconds(-5)).queryItems.contains { $0.name == "X-Amz-Expires" && $0.value == "0" })
        }
    }

    @Test func secretsNeverReachADescription() {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token-value")
        for text in [credentials.description, credentials.debugDescription, "\(credentials)", String(reflecting: credentials)] {
            #expect(text.contains("AKIDEXAMPLE") && !text.contains("wJalr") && !text.contains("token-value"), "\(text)")
        }
    }

    /// Lines without trailing blank ones, so that a final newline does not matter.
    static func lines(_ text: String) -> [String] {
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    static func lines(_ head: [String], body: String) -> [String] {
        lines(head.joined(separator: "\n") + "\n\n" + body)
    }
}
