import LabReport
import PacketCapture
import TCPAnalysis
import WireFormat

#if canImport(Glibc)
import Glibc
#endif

/// At most this many records per input: a file can claim any number, the fuzzer must not hang.
let recordLimit = 10_000

/// A whole capture file: the bytes are written to a file, opened as `tcplab read` opens it (pcap
/// or pcapng, tcplab's own reader), and every record is decoded with its own link type, tracked
/// and rendered as `tcplab read` does, summary included.
public func fuzzReadCapture(_ bytes: UnsafeRawBufferPointer) {
    let path = scratchFile
    guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
    if bytes.count > 0 { fwrite(bytes.baseAddress, 1, bytes.count, file) }
    fclose(file)

    guard let source = try? PacketSource.open(file: path) else { return }
    let analyzer = PacketAnalyzer()
    let text = TextPacketRenderer(palette: Palette(enabled: false), showHex: true)
    let json = JSONPacketRenderer()
    var output = OutputBuffer(capacity: 1 << 14)
    var records = 0
    do {
        while records < recordLimit, try source.next({ record in
            records += 1
            precondition(record.number == records, "record numbers skip")
            let analyzed = analyzer.analyze(frame: record.number, seconds: record.seconds,
                                            nanoseconds: record.nanoseconds, linkType: record.linkType,
                                            bytes: record.bytes)
            output.removeAll()
            text.render(analyzed, bytes: record.bytes, firstTime: analyzer.firstTime ?? 0, into: &output)
            json.render(analyzed, bytes: record.bytes, into: &output)
        }) != .end {}
    } catch let error as CaptureError {
        // A damaged file must name a record after the ones delivered.
        if case .damagedFile(_, let record, _, _) = error {
            precondition(record == records + 1, "damaged record \(record) after \(records) delivered")
        }
    } catch {
        preconditionFailure("unexpected error type \(error)")
    }
    output.removeAll()
    ConnectionSummary().render(analyzer.tracker.history, frames: analyzer.frames, into: &output)
}

/// One file per process, in memory when /dev/shm exists, removed when the fuzzer exits.
let scratchFile: String = {
    let directory = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    atexit { unlink(scratchFile) }
    return "\(directory)/tcplab-fuzz-\(getpid()).cap"
}()
