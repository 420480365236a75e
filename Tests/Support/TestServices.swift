// What a test needs beyond Swift, as Swift Testing tags, and where it finds it. scripts/test
// installs and starts everything and runs every test; `scripts/test --fast` leaves out each test
// (or suite) that carries one of these tags. A tagged test never skips itself: when what it
// needs is missing it fails, naming what and how to get it.

import Foundation
import Testing

extension Tag {
    /// The Python checkers scripts/test installs in its virtual environment (pyarrow, DuckDB,
    /// sqlglot, the OpenAPI validator, python-hcl2, checkov), or a scratch git repository built
    /// with SwiftPM.
    @Tag public static var outsideTools: Self
    /// SeaweedFS, the S3 server scripts/test starts on 127.0.0.1.
    @Tag public static var seaweedFS: Self
    /// moto_server: Glue, Athena's API, Secrets Manager, SNS/SQS and Step Functions.
    @Tag public static var moto: Self
    /// The Athena double: Athena's API with DuckDB running the SQL (Tests/Tools/athena_double.py).
    @Tag public static var athenaDouble: Self
    /// Headless Chromium, for the dashboard as a browser runs it.
    @Tag public static var chromium: Self
}

/// The variables scripts/test exports for the services it starts.
public enum Services {
    /// The value of `variable`; a test that needs it fails with the reason when it is missing.
    public static func variable(_ name: String, for service: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw TestSetupError("\(name) is not set: this test needs \(service), which scripts/test installs and starts "
                + "(`scripts/test --fast` leaves out the tests that need it)")
        }
        return value
    }

    /// SeaweedFS's endpoint, and the identity it accepts.
    public static func s3() throws -> (endpoint: String, accessKey: String, secret: String) {
        (try variable("MOMENTUM_S3_ENDPOINT", for: "SeaweedFS"), try variable("MOMENTUM_S3_ACCESS_KEY", for: "SeaweedFS"),
         try variable("MOMENTUM_S3_SECRET", for: "SeaweedFS"))
    }

    /// moto_server's endpoint.
    public static func moto() throws -> String { try variable("MOMENTUM_MOTO_ENDPOINT", for: "moto_server") }
}
