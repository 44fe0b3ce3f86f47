import Foundation
import LabReport

/// Where a view's output goes, a chunk at a time: the command line writes it to stdout, a test
/// or a page keeps it. Called from the view's thread (the JSON view writes from a thread of its own).
public struct OutputSink: Sendable {
    private let write: @Sendable (UnsafeBufferPointer<UInt8>) -> Void

    public init(_ write: @escaping @Sendable (UnsafeBufferPointer<UInt8>) -> Void) { self.write = write }

    /// Hands the buffer's bytes over and empties it.
    public func drain(_ buffer: inout OutputBuffer) {
        if buffer.count > 0 { write(buffer.bytesView) }
        buffer.removeAll()
    }

    /// Keeps everything written, for tests and pages.
    public static func collecting() -> (sink: OutputSink, text: CollectedOutput) {
        let collected = CollectedOutput()
        return (OutputSink { collected.append($0) }, collected)
    }
}

/// The bytes an `OutputSink.collecting()` sink was given.
public final class CollectedOutput: @unchecked Sendable {  // `bytes` guarded by `lock`
    private let lock = NSLock()
    private var bytes: [UInt8] = []

    func append(_ chunk: UnsafeBufferPointer<UInt8>) { lock.withLock { bytes.append(contentsOf: chunk) } }

    public var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
}
