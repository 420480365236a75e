// Spotify credentials from AWS Secrets Manager (SPOTIFY_SECRET_ARN), against moto: the daily
// job runs with no Spotify variable in its environment, and a missing or malformed secret is a
// configuration error that names the secret and never shows its value.

import Foundation
import LakeKit
import MomentumTestSupport
import SpotifySimulator
import Testing

@Suite(.tags(.moto, .outsideTools), .serialized)
struct SpotifySecretTests {
    static func secrets() throws -> SecretsManagerClient {
        try SecretsManagerClient.standard(environment: environment)
    }

    static var environment: [String: String] {
        get throws {
            ["AWS_ENDPOINT_URL_SECRETS_MANAGER": try AWSServers.moto, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
             "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"]
        }
    }

    /// A new secret holding `value`; its ARN.
    static func secret(_ value: String) async throws -> String {
        struct Create: Encodable { var Name: String; var SecretString: String }
        struct Created: Decodable { var ARN: String }
        let name = "momentum/spotify-" + UUID().uuidString.prefix(8).lowercased()
        return try await secrets().json.send("CreateSecret", Create(Name: name, SecretString: value), as: Created.self).ARN
    }

    @Test func theDailyJobTakesItsCredentialsFromTheSecret() async throws {
        let server = try await ServedSimulator(artists: 4, seed: 3, mode: .extended, faultRate: 0)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("secret-lake")
        defer { try? FileManager.default.removeItem(at: folder) }
        let ids = SpotifySimulator(options: server.options).artistDirectory.map(\.id)
        let add = try await server.momentum(["artists", "add", "--lake", folder.path, "--yes"] + ids)
        #expect(add.status == 0, "\(add.stderr)")

        var environment = try server.environment.merging(Self.environment) { $1 }
        environment["SPOTIFY_CLIENT_ID"] = nil
        environment["SPOTIFY_CLIENT_SECRET"] = nil
        environment["SPOTIFY_SECRET_ARN"] = try await Self.secret(#"{"client_id": "integration", "client_secret": "s3cr3t-from-aws"}"#)
        let job = try await run(Repository.momentumBinary().path, ["ingest", "metrics", "--lake", folder.path], environment: environment)
        #expect(job.status == 0, "\(job.stderr)")
        #expect(try metricRecords(in: folder).count == 4)
        #expect(!(job.stdout + job.stderr).contains("s3cr3t"))

        // Malformed secrets and a missing one: exit 2, the secret named, its value never shown.
        for (value, expected) in [("not json s3cr3t", "must be a JSON object"), (#"{"client_id": "x", "secret": "s3cr3t"}"#, "no client_secret"),
                                  (#"{"client_secret": "s3cr3t"}"#, "no client_id")] {
            environment["SPOTIFY_SECRET_ARN"] = try await Self.secret(value)
            let failed = try await run(Repository.momentumBinary().path, ["ingest", "metrics", "--lake", folder.path], environment: environment)
            #expect(failed.status == 2 && failed.stderr.contains(expected) && failed.stderr.contains("momentum/spotify-"), "\(failed.stderr)")
            #expect(!(failed.stdout + failed.stderr).contains("s3cr3t"))
        }
        environment["SPOTIFY_SECRET_ARN"] = "momentum/no-such-secret"
        let missing = try await run(Repository.momentumBinary().path, ["ingest", "metrics", "--lake", folder.path], environment: environment)
        #expect(missing.status == 2 && missing.stderr.contains("ResourceNotFoundException") && missing.stderr.contains("momentum/no-such-secret"),
                "\(missing.stderr)")
    }
}
