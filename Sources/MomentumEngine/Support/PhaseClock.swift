import Foundation
import Logging

/// Logs how long each phase of a job took, and the process's peak memory so far, at debug
/// level (`momentum -v`): the profile of a run without a profiler.
struct PhaseClock {
    let logger: Logger
    private var last = DispatchTime.now()

    init(logger: Logger) {
        self.logger = logger
    }

    mutating func lap(_ what: @autoclosure () -> String) {
        let now = DispatchTime.now()
        let milliseconds = Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1_000_000
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        // Linux reports kilobytes (macOS bytes: the figure is then only an upper bound).
        logger.debug("\(what()) in \(Int(milliseconds)) ms (peak \(usage.ru_maxrss / 1024) MiB)")
        last = now
    }
}
