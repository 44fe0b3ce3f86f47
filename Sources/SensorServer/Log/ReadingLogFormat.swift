/// The reading log's two formats, chosen by the file name: `.jsonl` → JSON lines, else CSV.
///
///     {"received":"2026-11-24T19:48:47.123Z","peer":"192.168.1.20:53122","device":"nodemcu-01","seq":12,"millis":1234567,"temperature":28.3,"humidity":65.2}
///     received,peer,device,seq,millis,temperature,humidity
///     2026-11-24T19:48:47.123Z,192.168.1.20:53122,nodemcu-01,12,1234567,28.3,65.2
public enum ReadingLogFormat: Sendable, Equatable {
    case jsonLines
    case csv

    public init(path: String) {
        self = path.lowercased().hasSuffix(".jsonl") ? .jsonLines : .csv
    }

    /// Written once at the top of a new (empty) file.
    public var header: String? {
        switch self {
        case .jsonLines: return nil
        case .csv: return "received,peer,device,seq,millis,temperature,humidity\n"
        }
    }

    /// What a line may copy from an earlier line in the same buffer instead of writing it again:
    /// a read's readings share their time stamp, and one connection's its peer and device.
    struct RepeatedFields {
        fileprivate var millisecond: Int64?
        fileprivate var stamp = ByteWriter.Span()
        fileprivate var peer = ""
        fileprivate var device = ""
        /// Peer and device with what stands between them; `nil` until a line wrote them.
        fileprivate var names: ByteWriter.Span?
    }

    /// One line for `reading`, newline included.
    func write(_ reading: ReceivedReading, to out: inout ByteWriter) {
        var repeated = RepeatedFields()
        self.write(reading, to: &out, repeating: &repeated)
    }

    /// One line for `reading`, newline included, copying what it shares with the line before
    /// (`repeated`, kept by the caller across the lines of one buffer).
    func write(_ reading: ReceivedReading, to out: inout ByteWriter, repeating repeated: inout RepeatedFields) {
        switch self {
        case .jsonLines:
            out.ascii("{\"received\":\"")
            Self.timestamp(reading.received, to: &out, repeating: &repeated)
            out.ascii("\",\"peer\":")
            Self.names(reading, to: &out, repeating: &repeated) { out in
                out.jsonString(reading.peer)
                out.ascii(",\"device\":")
                out.jsonString(reading.device)
            }
            out.ascii(",\"seq\":")
            out.unsigned(UInt64(reading.reading.seq))
            out.ascii(",\"millis\":")
            out.unsigned(UInt64(reading.reading.millis))
            out.ascii(",\"temperature\":")
            out.decimal(reading.reading.temperature)
            out.ascii(",\"humidity\":")
            out.decimal(reading.reading.humidity)
            out.ascii("}\n")
        case .csv:
            Self.timestamp(reading.received, to: &out, repeating: &repeated)
            out.byte(UInt8(ascii: ","))
            Self.names(reading, to: &out, repeating: &repeated) { out in
                out.csvField(reading.peer)
                out.byte(UInt8(ascii: ","))
                out.csvField(reading.device)
            }
            out.byte(UInt8(ascii: ","))
            out.unsigned(UInt64(reading.reading.seq))
            out.byte(UInt8(ascii: ","))
            out.unsigned(UInt64(reading.reading.millis))
            out.byte(UInt8(ascii: ","))
            out.decimal(reading.reading.temperature)
            out.byte(UInt8(ascii: ","))
            out.decimal(reading.reading.humidity)
            out.byte(UInt8(ascii: "\n"))
        }
    }

    /// The stamp as text, or a copy of the previous line's when it falls in the same millisecond.
    private static func timestamp(_ time: Timestamp, to out: inout ByteWriter, repeating repeated: inout RepeatedFields) {
        let millisecond = time.millisecondsSince1970
        if repeated.millisecond == millisecond {
            out.repeatEarlier(repeated.stamp)
        } else {
            repeated.stamp = out.span { $0.timestamp(time) }
            repeated.millisecond = millisecond
        }
    }

    /// Peer and device as `write` gives them, or a copy of the previous line's when they are the same.
    private static func names(
        _ reading: ReceivedReading, to out: inout ByteWriter, repeating repeated: inout RepeatedFields,
        write: (inout ByteWriter) -> Void
    ) {
        if let names = repeated.names, repeated.peer == reading.peer, repeated.device == reading.device {
            out.repeatEarlier(names)
        } else {
            repeated.names = out.span(write)
            repeated.peer = reading.peer
            repeated.device = reading.device
        }
    }

    /// The line for `reading` as a `String` (tests, tools; the log writer avoids this allocation).
    public func line(for reading: ReceivedReading) -> String {
        let capacity = ByteWriter.worstCaseLength(device: reading.device, peer: reading.peer)
        return withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 1) { buffer in
            var writer = ByteWriter(buffer)
            self.write(reading, to: &writer)
            return String(decoding: writer.written, as: UTF8.self)
        }
    }
}
