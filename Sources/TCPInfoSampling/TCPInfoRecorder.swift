import KernelTCPInfo
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes TCP_INFO samples of any number of connections into one file (`KernelTCPSamples`'
/// format). Samplers on several event loops share it; rows go through stdio's buffer, so a
/// sample costs a formatted line, not a system call. `finish()` flushes and closes.
public final class TCPInfoRecorder: @unchecked Sendable {  // @unchecked: `lock` guards `file`, `first`, `count`
    public let path: String
    private let lock = NIOLock()
    private var file: UnsafeMutablePointer<FILE>?
    private var first: Double?
    private var count = 0

    /// Sampling TCP_INFO is Linux's: the struct's layout is Linux's own.
    public static var isSupported: Bool {
        #if os(Linux)
        true
        #else
        false
        #endif
    }

    /// Creates (or empties) the file and writes the header row.
    public init(path: String) throws(TCPInfoRecorderError) {
        guard Self.isSupported else { throw .unsupportedPlatform }
        guard let file = fopen(path, "w") else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.file = file
        fputs(KernelTCPSamples.header + "\n", file)
    }

    /// Samples written so far.
    public var samples: Int { self.lock.withLock { self.count } }

    /// One sample from the bytes `getsockopt(TCP_INFO)` filled, taken at `time` (CLOCK_REALTIME).
    func record(_ info: KernelTCPInfo, time: Double, local: String, remote: String) {
        self.lock.withLock {
            guard let file = self.file else { return }
            let first = self.first ?? time
            self.first = first
            let row = KernelTCPSamples.row(info.sample(time: time, elapsed: time - first, local: local, remote: remote))
            fputs(row + "\n", file)
            self.count += 1
        }
    }

    /// Flushes and closes the file; later samples are ignored. Throws if a write failed.
    public func finish() throws(TCPInfoRecorderError) {
        let failed: Bool = self.lock.withLock {
            guard let file = self.file else { return false }
            self.file = nil
            let flushFailed = fflush(file) != 0 || ferror(file) != 0
            return fclose(file) != 0 || flushFailed
        }
        if failed { throw .writeFailed(path: self.path, reason: String(cString: strerror(errno))) }
    }

    deinit {
        if let file = self.file { fclose(file) }
    }

    /// Now, on the clock pcap timestamps use.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

public enum TCPInfoRecorderError: Error, Equatable, CustomStringConvertible {
    case unsupportedPlatform
    case cannotOpen(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unsupportedPlatform:
            "--tcp-info works on Linux only (TCP_INFO and its layout are Linux's)"
        case .cannotOpen(let path, let reason): "cannot write the TCP_INFO file \(path): \(reason)"
        case .writeFailed(let path, let reason): "writing the TCP_INFO file \(path) failed: \(reason)"
        }
    }
}
