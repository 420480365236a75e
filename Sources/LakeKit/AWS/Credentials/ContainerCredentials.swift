// Container credentials (ECS tasks, EKS Pod Identity, Lambda's SnapStart): a JSON document from
// the URL the environment names, with an optional authorization token.

import Foundation
import MomentumHTTP

/// Credentials from `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
public struct ContainerCredentials: AWSCredentialProvider {
    let environment: [String: String]
    let transport: any HTTPTransport

    /// The ECS agent's address, which a relative URI is resolved against.
    static let ecsHost = "http://169.254.170.2"

    /// Reads the given environment; fetches through `transport`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, transport: any HTTPTransport = CurlTransport()) {
        self.environment = environment
        self.transport = transport
    }

    /// The container's credentials; nil when neither variable is set.
    public func credentials() async throws -> AWSCredentials? {
        let url: URL
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            guard relative.hasPrefix("/"), let resolved = URL(string: ContainerCredentials.ecsHost + relative) else {
                throw LakeError.credentials("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a path starting with '/'")
            }
            url = resolved
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            guard let parsed = URL(string: full), let host = parsed.host, ["http", "https"].contains(parsed.scheme ?? "") else {
                throw LakeError.credentials("AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL")
            }
            // botocore's rule: plain http only to the container agent or this machine.
            let allowedHTTP = ["127.0.0.1", "localhost", "::1", "169.254.170.2", "169.254.170.23", "fd00:ec2::23"]
            guard parsed.scheme == "https" || allowedHTTP.contains(host) || host.hasPrefix("127.") else {
                throw LakeError.credentials("AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http is allowed only to a loopback or container-agent address, not \(host)")
            }
            url = parsed
        } else {
            return nil
        }
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let token = try authorizationToken() { headers.append(("Authorization", token)) }
        let response: TransportResponse
        do {
            response = try await transport.send(TransportRequest(method: "GET", url: url, headers: HTTPHeaders(headers), timeout: .seconds(2),
                                                               deadline: .seconds(5), maximumResponseBytes: 64 << 10))
        } catch {
            throw LakeError.credentials("container credentials at \(url.host ?? "?"): \(error)")
        }
        guard response.status == 200 else {
            throw LakeError.credentials("container credentials at \(url.host ?? "?") answered HTTP \(response.status)")
        }
        return try TemporaryCredentialsDocument.decode(response.body, source: "container credentials")
    }

    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read each time: it rotates), else the token itself.
    func authorizationToken() throws -> String? {
        if let path = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path), data.count < 16 << 10,
                  let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines) else {
                throw LakeError.credentials("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (\(path))")
            }
            return token
        }
        return environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `container (AWS_CONTAINER_CREDENTIALS_*_URI)`.
    public var sourceDescription: String { "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI)" }
}

/// The JSON document of temporary credentials that the container agent and the instance
/// metadata service both serve.
enum TemporaryCredentialsDocument {
    struct Document: Decodable {
        var AccessKeyId: String
        var SecretAccessKey: String
        var Token: String?
        var Expiration: String?
        var Code: String?
    }

    static func decode(_ body: [UInt8], source: String) throws -> AWSCredentials {
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(body)) else {
            throw LakeError.credentials("\(source): the answer is not a credentials document")
        }
        if let code = document.Code, code != "Success" {
            throw LakeError.credentials("\(source): the service answered '\(code.prefix(60))'")
        }
        var expiration: Date?
        if let text = document.Expiration {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let date = formatter.date(from: text) ?? fractional.date(from: text) else {
                throw LakeError.credentials("\(source): Expiration '\(text.prefix(40))' is not an ISO 8601 time")
            }
            expiration = date
        }
        return AWSCredentials(accessKeyID: document.AccessKeyId, secretAccessKey: document.SecretAccessKey,
                              sessionToken: document.Token, expiration: expiration)
    }
}
