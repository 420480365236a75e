// A plan handed back by the state machine of `deploy/` to the task that carries out its next
// steps. The task trusts only the run id, the mode, the months and the first day, checks them,
// and rebuilds the rest from its own settings: whatever it is handed, it acts on its own lake.

import Foundation
import MomentumAnalytics

extension AthenaSettings {
    /// The longest run id: a Step Functions execution name.
    package static let maximumRunIDLength = 80

    /// Checks a run id (an execution name: letters, digits, `-` and `_`).
    package static func validateRunID(_ runID: String) throws {
        guard (1...maximumRunIDLength).contains(runID.utf8.count),
              runID.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F }) else {
            throw EngineError.invalidInput("run_id must be 1 to \(maximumRunIDLength) letters, digits, '-' or '_', got '\(runID.prefix(90))'")
        }
    }

    /// `handed`, rebuilt for the lake at `root` from its run id, mode, months and first day.
    package func restore(_ handed: AthenaTransformPlan, root: String) throws -> AthenaTransformPlan {
        try AthenaSettings.validateRunID(handed.runID)
        guard handed.months.count <= 100_000 else { throw EngineError.invalidInput("the plan names \(handed.months.count) months") }
        for month in handed.months where month.utf8.count != 7 || Day(iso: month + "-01") == nil {
            throw EngineError.invalidInput("the plan's month '\(month.prefix(20))' is not YYYY-MM")
        }
        let scope: TransformScope
        switch handed.mode {
        case "full": scope = .full(reason: String(handed.reason.prefix(500)))
        case "incremental":
            guard let first = handed.firstDay.flatMap({ Day(iso: $0) }) else {
                throw EngineError.invalidInput("an incremental plan needs first_day as YYYY-MM-DD")
            }
            scope = .incremental(firstDay: first, changedDays: [], newFiles: 0)
        default: throw EngineError.invalidInput("the plan's mode must be full or incremental, got '\(handed.mode.prefix(20))'")
        }
        let plan = try AthenaTransformPlan.make(scope: scope, months: handed.months, root: root, runID: handed.runID, database: database,
                                                workgroup: workgroup, athenaOutput: athenaOutput)
        guard handed.lake == plan.lake else {
            throw EngineError.invalidInput("the plan is for the lake \(handed.lake.prefix(200)), not this function's lake \(plan.lake)")
        }
        return plan
    }
}
