// Waiting on a task that others share (one refresh for many callers) must end when the waiter's
// own task is cancelled, without cancelling the work the others still wait for.

import Foundation

/// The value of `task`, or `CancellationError` as soon as the calling task is cancelled; the
/// shared task goes on either way.
package func sharedValue<T: Sendable>(of task: Task<T, any Error>) async throws -> T {
    let once = ResumeOnce<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            once.set(continuation)
            Task { once.resume(with: await task.result) }
        }
    } onCancel: {
        once.resume(with: .failure(CancellationError()))
    }
}

/// A continuation resumed at most once, whichever of its resumers comes first (the answer, a
/// cancellation, a timer).
package final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?

    package init() {}

    /// The waiter; resumed at once when a result came first.
    package func set(_ continuation: CheckedContinuation<T, any Error>) {
        let result: Result<T, any Error>? = lock.withLock {
            if let early { return early }
            self.continuation = continuation
            return nil
        }
        if let result { continuation.resume(with: result) }
    }

    /// Hands `result` to the waiter, unless another result was handed first.
    package func resume(with result: Result<T, any Error>) {
        let waiting: CheckedContinuation<T, any Error>? = lock.withLock {
            if let continuation {
                self.continuation = nil
                return continuation
            }
            if early == nil { early = result }
            return nil
        }
        waiting?.resume(with: result)
    }
}
