// Secrets Manager: reading a secret's value (GetSecretValue), for credentials a deployed job
// must not keep in its environment. The value never reaches a message: its description is
// redacted, and errors name the secret, never its contents.

import Foundation
import Logging
import MomentumHTTP

/// A secret's value as Secrets Manager returned it.
public struct SecretValue: Sendable, CustomStringConvertible {
    /// The secret's ARN.
    public var arn: String
    /// The secret's name.
    public var name: String
    /// The version read.
    public var versionID: String?
    /// The value, when it was stored as text.
    public var string: String?
    /// The value, when it was stored as binary.
    public var binary: [UInt8]?

    /// The secret's name and version, never its value.
    public var description: String { "secret \(name) (version \(versionID ?? "unknown"), value redacted)" }
}

/// A Secrets Manager client.
public struct SecretsManagerClient: Sendable {
    /// The JSON 1.1 client underneath.
    public let json: AWSJSONClient

    /// Secrets Manager through this JSON client.
    public init(json: AWSJSONClient) {
        self.json = json
    }

    /// The client the environment describes (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, credentials,
    /// region).
    /// `region` is the secret's (``AWSRegion/of(arn:)``) when the configured one is missing.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                region: AWSRegion? = nil,
                                transport: any HTTPTransport = CurlTransport(), logger: Logger? = nil) throws -> SecretsManagerClient {
        // botocore names the variable after the service id "Secrets Manager", not the signing name.
        var environment = environment
        if let endpoint = environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"] {
            environment["AWS_ENDPOINT_URL_SECRETSMANAGER"] = endpoint
        }
        return SecretsManagerClient(json: try AWSJSONClient.standard(service: "secretsmanager", targetPrefix: "secretsmanager",
                                                                     displayName: "Secrets Manager", environment: environment,
                                                                     region: region, transport: transport, logger: logger))
    }

    /// The current value of a secret (or of the version with `versionStage`).
    ///
    /// - Parameters:
    ///   - secretID: the secret's ARN or name.
    ///   - versionStage: a staging label such as `AWSPREVIOUS`; the current version when nil.
    /// - Throws: `AWSServiceError` as Secrets Manager answered (for example
    ///   `ResourceNotFoundException`, `AccessDeniedException`, `DecryptionFailure`).
    public func secretValue(_ secretID: String, versionStage: String? = nil) async throws -> SecretValue {
        struct Input: Encodable {
            var SecretId: String
            var VersionStage: String?
        }
        struct Output: Decodable {
            var ARN: String?
            var Name: String?
            var VersionId: String?
            var SecretString: String?
            var SecretBinary: String?
        }
        let output = try await json.send("GetSecretValue", Input(SecretId: secretID, VersionStage: versionStage), as: Output.self)
        var binary: [UInt8]?
        if let encoded = output.SecretBinary {
            guard let data = Data(base64Encoded: encoded) else {
                throw LakeError.format("Secrets Manager GetSecretValue: the binary value of \(secretID) is not base64")
            }
            binary = Array(data)
        }
        return SecretValue(arn: output.ARN ?? secretID, name: output.Name ?? secretID, versionID: output.VersionId,
                           string: output.SecretString, binary: binary)
    }
}
