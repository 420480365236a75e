// Where credentials come from. botocore's order: the environment, the shared credentials and
// config files (with profiles), container credentials, then the instance metadata service. The first source that has credentials wins; sources that have none say why, so that
// "no credentials" names every place that was looked at.

import Foundation
import MomentumHTTP

/// A source of AWS credentials.
public protocol AWSCredentialProvider: Sendable {
    /// Credentials, or nil when this source has none (it is then skipped). Throws when the
    /// source exists but is broken (a profile without a secret, say).
    func credentials() async throws -> AWSCredentials?
    /// How the source is named in messages, e.g. `environment (AWS_ACCESS_KEY_ID)`.
    var sourceDescription: String { get }
}

/// botocore's chain of sources, tried in order.
public struct AWSCredentialChain: AWSCredentialProvider {
    /// The sources, in the order they are tried.
    public var providers: [any AWSCredentialProvider]

    /// A chain of these sources.
    public init(_ providers: [any AWSCredentialProvider]) {
        self.providers = providers
    }

    /// The default chain for an environment: its variables, the shared files, the container,
    /// then the instance metadata service.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> AWSCredentialChain {
        standard(environment: environment, transport: CurlTransport())
    }

    /// The default chain, fetching container and instance credentials through `transport`.
    public static func standard(environment: [String: String], transport: any HTTPTransport) -> AWSCredentialChain {
        AWSCredentialChain([
            EnvironmentCredentials(environment: environment), SharedFileCredentials(environment: environment),
            ContainerCredentials(environment: environment, transport: transport),
            InstanceMetadataCredentials(environment: environment, transport: transport),
        ])
    }

    /// The first source's credentials; an error naming every source tried when none has any.
    public func credentials() async throws -> AWSCredentials? {
        for provider in providers {
            if let found = try await provider.credentials() { return found }
        }
        throw LakeError.credentials("no AWS credentials found; looked in: \(providers.map(\.sourceDescription).joined(separator: ", "))")
    }

    /// The sources, in order.
    public var sourceDescription: String { providers.map(\.sourceDescription).joined(separator: " → ") }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
public struct EnvironmentCredentials: AWSCredentialProvider {
    let environment: [String: String]

    /// Reads the given environment (the process's by default).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The variables' credentials; nil when `AWS_ACCESS_KEY_ID` is unset or empty.
    public func credentials() async throws -> AWSCredentials? {
        guard let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty else { return nil }
        guard let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
            throw LakeError.credentials("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
    }

    /// `environment (AWS_ACCESS_KEY_ID)`.
    public var sourceDescription: String { "environment (AWS_ACCESS_KEY_ID)" }
}

extension AWSCredentialProvider {
    /// Credentials for signing a request about `subject`; an error naming the subject and every
    /// source looked at when there are none.
    func required(for subject: String) async throws -> AWSCredentials {
        let found: AWSCredentials?
        do {
            found = try await credentials()
        } catch let error as LakeError where error.isKind(of: .credentialsKind) {
            throw LakeError.credentials("\(error.message) (for \(subject))")
        }
        guard let found else { throw LakeError.credentials("no AWS credentials for \(subject); looked in: \(sourceDescription)") }
        return found
    }
}
