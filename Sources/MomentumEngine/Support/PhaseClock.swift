import Foundation
import Logging

/// Logs how long each phase of a job took, at debug level (`momentum -v`).
struct PhaseClock {
    let logger: Logger
    private var last = DispatchTime.now()

    init(logger: Logger) {
        self.logger = logger
    }

    mutating func lap(_ what: @autoclosure () -> String) {
        let now = DispatchTime.now()
        let milliseconds = Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1_000_000
        logger.debug("\(what()) in \(Int(milliseconds)) ms")
        last = now
    }
}
