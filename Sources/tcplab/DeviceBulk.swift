import ArgumentParser
import DeviceSimulator
import Foundation
import TCPInfoSampling

/// `500k`, `2M`, `1Mi`, `123456`: a size in bytes as a person types it.
struct ByteCount: ExpressibleByArgument, Sendable {
    let value: Int

    init?(argument: String) {
        let units: [(suffix: String, factor: Int)] = [
            ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10), ("ki", 1 << 10),
            ("G", 1_000_000_000), ("M", 1_000_000), ("k", 1000), ("K", 1000), ("B", 1), ("", 1),
        ]
        for (suffix, factor) in units where argument.hasSuffix(suffix) {
            guard let number = Double(argument.dropLast(suffix.count)), number >= 0,
                  number * Double(factor) <= Double(Int.max / 2)
            else { continue }
            self.value = Int((number * Double(factor)).rounded())
            return
        }
        return nil
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

extension TCPLab.Device {
    /// Bulk mode and TCP_INFO sampling go with some options and not with others.
    func validateBulk() throws {
        if let bulk = self.bulk {
            guard bulk.value >= 1 else { throw ValidationError("--bulk needs at least 1 byte") }
            if self.readings != 0 {
                throw ValidationError("--bulk uploads until BYTES are written: leave out --readings")
            }
            if self.interval != 5 || self.jitter != 0 {
                throw ValidationError("--bulk writes as fast as TCP allows: leave out --interval and --jitter")
            }
            if self.nagle {
                throw ValidationError("--bulk writes 16 KiB at a time, so Nagle changes nothing there: leave out --nagle")
            }
            if let fault = self.fault {
                throw ValidationError("--bulk and --fault \(fault.rawValue) do not go together: a bulk upload sends only valid readings")
            }
        }
        if self.tcpInfo.file != nil && self.bulk == nil {
            throw ValidationError("--tcp-info samples a bulk upload's connection: add --bulk BYTES (the server's side: tcplab serve --tcp-info)")
        }
    }

    /// Every board uploads `bytes` at once (several boards: competing flows), then the summary.
    func runBulk(bytes: Int) async throws {
        let recorder = try self.tcpInfo.open()
        var base = BulkUploadConfiguration()
        base.host = self.host
        base.port = self.port
        base.bytes = bytes
        base.tcpInfo = recorder
        base.tcpInfoInterval = .milliseconds(self.tcpInfo.interval)
        let seed = self.seed ?? UInt32.random(in: 1...UInt32.max)
        let uploads = (1...self.devices).map { index in
            var configuration = base
            configuration.name = self.devices == 1 && self.namePrefixOption != nil ? self.namePrefix : "\(self.namePrefix)-\(index)"
            configuration.seed = seed &+ UInt32(truncatingIfNeeded: index - 1) &* 0x9E37_79B9
            return BulkUpload(configuration: configuration)
        }
        let upload = Task {
            await withTaskGroup(of: (String, Result<BulkUploadReport, BulkUploadError>).self) { group in
                for upload in uploads {
                    group.addTask {
                        do throws(BulkUploadError) {
                            return (upload.configuration.name, .success(try await upload.run()))
                        } catch {
                            return (upload.configuration.name, .failure(error))
                        }
                    }
                }
                var results: [(String, Result<BulkUploadReport, BulkUploadError>)] = []
                for await result in group { results.append(result) }
                return results.sorted { $0.0.localizedStandardCompare($1.0) == .orderedAscending }
            }
        }
        let interrupts = Interrupts { upload.cancel() }
        let ticker = self.quiet ? nil : Task { await Self.showProgress(of: uploads, total: bytes * uploads.count) }
        let results = await upload.value
        ticker?.cancel()
        await ticker?.value
        interrupts.stop()
        var failure: String?
        for (name, result) in results {
            switch result {
            case .success(let report):
                for line in Self.bulkSummary(report, name: name, server: "\(self.host):\(self.port)") { print(line) }
            case .failure(let error):
                failure = failure ?? "error: \(name): \(error)"
            }
        }
        if let recorder {
            do {
                try recorder.finish()
                print("  tcp-info    \(recorder.samples) samples every \(self.tcpInfo.interval) ms in \(recorder.path)")
            } catch {
                failure = failure ?? "error: \(error)"
            }
        }
        fflush(nil)
        if let failure { throw CommandFailure(failure) }
    }

    /// `uploading: 1200000 of 2000000 bytes written` on standard error: redrawn in place on a
    /// terminal every 200 ms, else a line a second. Erased when the upload ends.
    static func showProgress(of uploads: [BulkUpload], total: Int) async {
        let isTTY = isatty(STDERR_FILENO) == 1
        var last = -1
        while !Task.isCancelled {
            try? await Task.sleep(for: isTTY ? .milliseconds(200) : .seconds(1))
            guard !Task.isCancelled else { break }
            let written = uploads.reduce(0) { $0 + $1.bytesWritten }
            guard written != last else { continue }
            last = written
            let line = "uploading: \(written) of \(total) bytes written"
            StandardError.write(isTTY ? "\r\u{1B}[K" + line : line + "\n")
        }
        if isTTY && last >= 0 { StandardError.write("\r\u{1B}[K") }
    }

    static func bulkSummary(_ report: BulkUploadReport, name: String, server: String) -> [String] {
        let mbits = report.goodputBitsPerSecond / 1_000_000
        return [
            "uploaded \(report.bytes) bytes (\(report.readings) readings) from \(name) (\(report.local)) to \(server) in \(report.total.secondsText)",
            "  goodput     \(String(format: "%.2f", mbits)) Mbit/s (readings only, until the server's FIN; all written to the kernel after \(report.writing.secondsText))",
        ]
    }
}
