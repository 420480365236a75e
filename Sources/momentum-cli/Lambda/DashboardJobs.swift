// The dashboard's jobs on AWS: the site built in parts, one Lambda invocation each, so that
// a roster of any size stays within a function's memory and 15 minutes: `dashboard_plan` writes
// the leaderboard's files and answers the parts, `dashboard_part` writes a part's artists,
// `dashboard` (with the plan) writes the page, then `dashboard.html`: the single page while the
// roster fits one, else a page saying where the site is. `dashboard` without a plan does it all
// in one invocation, for a small lake or a hand-started run.

import Foundation
import LakeKit
import MomentumDashboard
import MomentumEngine

enum DashboardJobs {
    /// The answer of a dashboard job; nil for the other jobs.
    static func run(_ job: PipelineJob, settings: Settings, store: any ObjectStore) async throws -> [UInt8]? {
        // Any lake: an s3:// one on AWS, a folder for a benchmark (Benchmarks/dashboard/site_tasks.py).
        func reading() async throws -> LakeReading {
            let reading = try await LakeReading.open(LocalEngine(store: store, logger: settings.logger))
            guard !reading.isEmpty else { throw settings.emptyLake(store) }
            return reading
        }
        let target = DashboardSiteTarget.lake(store)
        switch job {
        case .dashboardPlan(let parts):
            let reading = try await reading()
            if let warning = reading.staleWarning { settings.logger.warning("\(warning)") }
            let (plan, bytes) = try await reading.planDashboardSite(asOf: nil, selected: nil, parts: .ranges(count: parts), to: target)
            return try PipelineJob.rangesAnswer("site", plan, also: ["board_bytes": bytes])
        case .dashboardPart(let plan, let index):
            let (manifest, bytes) = try await reading().writeDashboardPart(plan, index: index, to: target)
            return try PipelineJob.answer(["status": "done", "part": index, "artists": manifest.artistsShown,
                                           "files": manifest.artistFiles.count + manifest.directoryFiles.count, "bytes": bytes])
        case .dashboard(let plan):
            let reading = try await reading()
            if plan == nil, let warning = reading.staleWarning { settings.logger.warning("\(warning)") }
            let site: DashboardSiteResult
            if let plan {
                site = try await reading.publishDashboardSite(plan, to: target)
            } else {
                site = try await reading.writeDashboardSite(asOf: nil, selected: nil, to: target)
            }
            // The single page beside the site while the roster fits one page, else a page saying
            // where the site is (a link to the old page then shows that, not old data).
            let html = site.artists <= DashboardPage.singlePageArtists
                ? try await reading.dashboardPage(asOf: site.asOf, selected: nil, generatedAt: Date().isoSeconds).html
                : Dashboard.siteNotice(artists: site.artists, sitePath: "\(store.location)/\(site.pageKey)",
                                       linkCommand: "momentum dashboard --lake \(store.location) --link")
            let location = try await DashboardPage.publish(html, to: store)
            return try PipelineJob.answer(["status": "done", "dashboard": location, "site": "\(store.location)/\(site.pageKey)",
                                           "artists": site.artists, "site_files": site.files])
        default:
            return nil
        }
    }
}
