// deploy/terraform, checked offline: its generated Glue tables are what `catalog sync` creates
// (the test writes them with MOMENTUM_UPDATE_DEPLOY=1), the HCL parses and every reference
// resolves (Tests/Tools/terraform_check.py, python-hcl2), and checkov finds no failed check
// (each skip is justified beside it). Terraform itself is not installed here.

import Foundation
import MomentumDeploy
import MomentumEngine
import MomentumTestSupport
import Testing

@Suite struct TerraformTests {
    @Test func theGlueTablesAreWhatCatalogSyncCreates() throws {
        let generated = TerraformGlueTables.text()
        let url = Repository.root.appendingPathComponent(TerraformGlueTables.path)
        if ProcessInfo.processInfo.environment["MOMENTUM_UPDATE_DEPLOY"] == "1" {
            try generated.write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == generated,
                "\(TerraformGlueTables.path) is not what the generator makes: MOMENTUM_UPDATE_DEPLOY=1 swift test --filter TerraformTests writes it")
        // Terraform's own interpolation stays out of the projection templates.
        #expect(generated.contains(#""${local.lake_root}/raw/artist_metrics/dt=$${dt}/""#), "\(generated.prefix(1200))")
    }

    @Test(.tags(.outsideTools))
    func theModuleParsesEveryReferenceResolvesAndCheckovPasses() async throws {
        let result = try await run(OutsideTools.python, [OutsideTools.tool("terraform_check.py"),
                                                   Repository.root.appendingPathComponent("deploy/terraform").path])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("checkov: 0 failed"), "\(result.stdout)")
    }
}
