import ArgumentParser
import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// The program's entry point: ArgumentParser's `AsyncParsableCommand.main()`, except that a
/// synchronous subcommand runs on the main thread itself.
///
/// Why: with an async `main`, Swift on Linux parks the main thread in `dispatch_main()`, which
/// calls `pthread_exit` and leaves it asleep for good, and runs everything on worker threads.
/// glibc's `setuid` changes every thread except an exited one, so `capture` dropping root from a
/// worker left the sleeping main thread root (`ps` showed the process as root). Run on the main
/// thread, with no other thread started, the drop covers the whole process.
@main
enum Main {
    nonisolated static func main() {
        let parsed: ParsableCommand
        do {
            parsed = try TCPLab.parseAsRoot()
        } catch {
            TCPLab.exit(withError: error)
        }
        if let asyncCommand = parsed as? AsyncParsableCommand {
            // As ArgumentParser's async main: the command runs as a task (serve and device need no
            // actor of their own), and the main thread drains the main queue in dispatchMain().
            Task {
                // Only this task touches the command from here on; the main thread just waits.
                nonisolated(unsafe) var command = asyncCommand
                do {
                    try await command.run()
                } catch {
                    Failure.exit(error, from: type(of: asyncCommand))
                }
                TCPLab.exit()
            }
            dispatchMain()
        }
        var command = parsed
        do {
            try command.run()
        } catch {
            Failure.exit(error, from: type(of: parsed))
        }
    }
}
