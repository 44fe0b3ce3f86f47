import Foundation
import NIOConcurrencyHelpers

/// Ctrl-C (or SIGTERM) once: `onFirst`, to stop cleanly; twice: exit 130 at once, after
/// `secondMessage` on stderr. Shared by the long-running commands (`serve`, `device`).
final class Interrupts: @unchecked Sendable {  // sources: set once; DispatchSource is thread-safe
    private let sources: [DispatchSourceSignal]

    init(secondMessage: String? = nil, onFirst: @escaping @Sendable () -> Void) {
        let count = NIOLockedValueBox(0)
        unblockStopSignals()
        self.sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let seen = count.withLockedValue { value -> Int in
                    value += 1
                    return value
                }
                guard seen > 1 else { return onFirst() }
                if let secondMessage { StandardError.print(secondMessage) }
                Foundation.exit(130)
            }
            source.resume()
            return source
        }
    }

    func stop() {
        for source in self.sources { source.cancel() }
    }
}

/// A parent may start tcplab with SIGINT and SIGTERM blocked (a test runner's thread, some job
/// launchers); Ctrl-C must still stop a capture, a server or a board, so they are unblocked.
func unblockStopSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}
