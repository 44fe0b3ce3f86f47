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

    /// One line for `reading`, newline included.
    func write(_ reading: ReceivedReading, to out: inout ByteWriter) {
        switch self {
        case .jsonLines:
            out.ascii("{\"received\":\"")
            out.timestamp(reading.received)
            out.ascii("\",\"peer\":")
            out.jsonString(reading.peer)
            out.ascii(",\"device\":")
            out.jsonString(reading.device)
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
            out.timestamp(reading.received)
            out.byte(UInt8(ascii: ","))
            out.csvField(reading.peer)
            out.byte(UInt8(ascii: ","))
            out.csvField(reading.device)
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
