// botocore's order for credentials, region and endpoints, from the environment and the shared
// files, with the public API only.

import Foundation
import LakeKit
import MomentumTestSupport
import Testing

@Suite struct AWSCredentialTests {
    static func files(credentials: String, config: String) throws -> (folder: URL, environment: [String: String]) {
        let folder = try Repository.temporaryFolder("aws")
        try Data(credentials.utf8).write(to: folder.appendingPathComponent("credentials"))
        try Data(config.utf8).write(to: folder.appendingPathComponent("config"))
        return (folder, ["AWS_SHARED_CREDENTIALS_FILE": folder.appendingPathComponent("credentials").path,
                         "AWS_CONFIG_FILE": folder.appendingPathComponent("config").path, "HOME": folder.path])
    }

    static let credentialsFile = """
    # a comment
    [default]
    aws_access_key_id = AKIDDEFAULT
    aws_secret_access_key = default-secret

    [work]
    aws_access_key_id=AKIDWORK
    aws_secret_access_key=work-secret
    aws_session_token = work-token
    ; another comment
    [broken]
    aws_access_key_id = AKIDBROKEN
    """

    static let configFile = """
    [default]
    region = eu-west-1
    [profile work]
    region = us-east-2
    s3 =
      addressing_style = path
    aws_access_key_id = AKIDFROMCONFIG
    [sso-session corp]
    region = ap-south-1
    [profile config-only]
    aws_access_key_id = AKIDCONFIG
    aws_secret_access_key = config-secret
    """

    @Test func theEnvironmentComesFirst() async throws {
        let (folder, files) = try Self.files(credentials: Self.credentialsFile, config: Self.configFile)
        defer { try? FileManager.default.removeItem(at: folder) }
        var environment = files
        environment["AWS_ACCESS_KEY_ID"] = "AKIDENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        environment["AWS_SESSION_TOKEN"] = "env-token"
        let found = try await AWSCredentialChain.standard(environment: environment).credentials()
        #expect(found == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "env-secret", sessionToken: "env-token"))
        environment["AWS_SECRET_ACCESS_KEY"] = nil
        await #expect(throws: LakeError.credentialsKind) { try await AWSCredentialChain.standard(environment: environment).credentials() }
    }

    @Test func profilesComeFromTheSharedFiles() async throws {
        let (folder, environment) = try Self.files(credentials: Self.credentialsFile, config: Self.configFile)
        defer { try? FileManager.default.removeItem(at: folder) }
        let standard = try await AWSCredentialChain.standard(environment: environment).credentials()
        #expect(standard?.accessKeyID == "AKIDDEFAULT" && standard?.secretAccessKey == "default-secret" && standard?.sessionToken == nil)
        var work = environment
        work["AWS_PROFILE"] = "work"
        // The credentials file beats the config file for the same profile.
        let fromWork = try await AWSCredentialChain.standard(environment: work).credentials()
        #expect(fromWork?.accessKeyID == "AKIDWORK" && fromWork?.sessionToken == "work-token")
        var configOnly = environment
        configOnly["AWS_PROFILE"] = "config-only"
        #expect(try await AWSCredentialChain.standard(environment: configOnly).credentials()?.accessKeyID == "AKIDCONFIG")
        var broken = environment
        broken["AWS_PROFILE"] = "broken"
        await #expect(throws: LakeError.credentialsKind) { try await AWSCredentialChain.standard(environment: broken).credentials() }
        let config = try AWSSharedConfig(environment: work)
        #expect(config.settings()["region"] == "us-east-2" && config.settings()["addressing_style"] == nil)
        #expect(config.configFile["corp"] == nil, "an sso-session section is not a profile")
    }

    @Test func noCredentialsNamesEverySourceAndNoSecret() async throws {
        let (folder, environment) = try Self.files(credentials: "", config: "")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try await AWSCredentialChain.standard(environment: environment).credentials()
            Issue.record("expected no credentials")
        } catch let error as LakeError {
            #expect(error.isKind(of: .credentialsKind))
            #expect(error.message.contains("AWS_ACCESS_KEY_ID") && error.message.contains("profile default"), "\(error.message)")
        }
        let credentials = AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s3cr3t", sessionToken: "t0ken")
        #expect(!"\(credentials)".contains("s3cr3t") && !"\(credentials)".contains("t0ken"))
    }

    @Test func regionFollowsBotocoresOrder() throws {
        let (folder, files) = try Self.files(credentials: "", config: Self.configFile)
        defer { try? FileManager.default.removeItem(at: folder) }
        var environment = files
        #expect(AWSEndpoint.region(environment: environment) == "eu-west-1")
        environment["AWS_PROFILE"] = "work"
        #expect(AWSEndpoint.region(environment: environment) == "us-east-2")
        environment["AWS_DEFAULT_REGION"] = "sa-east-1"
        #expect(AWSEndpoint.region(environment: environment) == "sa-east-1")
        environment["AWS_REGION"] = "ca-central-1"
        #expect(AWSEndpoint.region(environment: environment) == "ca-central-1")
    }

    @Test func endpointsFollowBotocoresOrderAndCustomOnesArePathStyle() throws {
        var environment: [String: String] = [:]
        let aws = try AWSEndpoint.resolve(service: "s3", region: "eu-west-1", environment: environment)
        #expect(aws.url.absoluteString == "https://s3.eu-west-1.amazonaws.com" && !aws.usesPathStyle)
        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:8333"
        let general = try AWSEndpoint.resolve(service: "glue", region: "eu-west-1", environment: environment)
        #expect(general.url.absoluteString == "http://127.0.0.1:8333" && general.usesPathStyle && general.source == "AWS_ENDPOINT_URL")
        environment["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9000"
        #expect(try AWSEndpoint.resolve(service: "s3", region: "eu-west-1", environment: environment).url.absoluteString == "http://127.0.0.1:9000")
        environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = "http://127.0.0.1:5000"
        #expect(try AWSEndpoint.resolve(service: "secrets-manager", region: "eu-west-1", environment: environment).source == "AWS_ENDPOINT_URL_SECRETS_MANAGER")
        environment["AWS_ENDPOINT_URL_ATHENA"] = "not a url"
        #expect(throws: LakeError.self) { try AWSEndpoint.resolve(service: "athena", region: "eu-west-1", environment: environment) }
        #expect(throws: LakeError.self) { try AWSEndpoint.resolve(service: "s3", region: "eu/west", environment: [:]) }
    }
}
