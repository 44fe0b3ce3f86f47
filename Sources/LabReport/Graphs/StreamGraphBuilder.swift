import TCPAnalysis
import WireFormat

/// Collects what the graphs need from analysed packets, in capture order: a few numbers per
/// segment (no bytes), for every connection or the one asked for. `graphs(stream:...)` then
/// builds one connection's series for one direction.
public final class StreamGraphBuilder {
    /// Only this stream, or all when nil.
    public let onlyStream: Int?
    private var records: [Int: [Record]] = [:]
    private var endpoints: [Int: (client: Endpoint, server: Endpoint)] = [:]
    private var originFrame: Int?
    private var origin = (seconds: 0, nanoseconds: 0)

    /// Streams seen so far (also those not kept because of `stream`).
    public private(set) var streamCount = 0

    public init(stream: Int? = nil) { onlyStream = stream }

    /// What one segment adds to the graphs.
    struct Record {
        var frame: Int
        var time: Double
        var fromClient: Bool
        var sequence: Int
        var length: Int
        var acknowledgement: Int?
        var window: Int?
        var analysis: AnalysisFlags
        var roundTrip: Double?
        var ackedFrame: Int?
        var sample: RoundTripSample?
        var bytesInFlight: Int?
        var retransmissionAfter: Double?
    }

    public func add(_ analyzed: AnalyzedPacket) {
        if originFrame == nil {
            originFrame = analyzed.frame
            origin = (analyzed.seconds, analyzed.signedNanoseconds)
        }
        guard let segment = analyzed.segment, segment.notAnalysed == nil else { return }
        streamCount = max(streamCount, segment.stream + 1)
        if let onlyStream, segment.stream != onlyStream { return }
        if endpoints[segment.stream] == nil {
            endpoints[segment.stream] = (segment.connection.client, segment.connection.server)
        }
        // A SYN's sequence number is 0 and its one phantom byte is no data: start at the payload.
        let length = analyzed.packet.payloadLength
        records[segment.stream, default: []].append(Record(
            frame: analyzed.frame, time: since(analyzed), fromClient: segment.fromClient,
            sequence: Int(segment.relativeSequence), length: length,
            acknowledgement: segment.relativeAcknowledgement.map { Int($0) }, window: segment.scaledWindow,
            analysis: segment.analysis, roundTrip: segment.ackRoundTrip, ackedFrame: segment.ackedFrame,
            sample: segment.roundTripSample, bytesInFlight: segment.bytesInFlight,
            retransmissionAfter: segment.retransmissionOf?.after))
    }

    /// Seconds since the first frame, from the integer fields: a difference of two epoch times
    /// as doubles would lose the last digits of a microsecond timestamp.
    private func since(_ analyzed: AnalyzedPacket) -> Double {
        Double(analyzed.seconds - origin.seconds) + Double(analyzed.signedNanoseconds - origin.nanoseconds) / 1e9
    }

    /// Segments of `stream` (both directions).
    public func segmentCount(stream: Int) -> Int { records[stream]?.count ?? 0 }

    /// The streams that have segments, in order.
    public var streams: [Int] { records.keys.sorted() }

    /// Data bytes (payload, retransmissions included) each side of `stream` sent.
    public func dataBytes(stream: Int) -> (client: Int, server: Int) {
        var bytes = (client: 0, server: 0)
        for record in records[stream] ?? [] {
            if record.fromClient { bytes.client += record.length } else { bytes.server += record.length }
        }
        return bytes
    }

    /// The stream that carried the most data bytes (the first of equals), of all or of `among`;
    /// nil without segments.
    public func busiestStream(among: Set<Int>? = nil) -> Int? {
        streams.filter { among?.contains($0) ?? true }.max { a, b in
            let (x, y) = (dataBytes(stream: a), dataBytes(stream: b))
            return x.client + x.server < y.client + y.server || (x.client + x.server == y.client + y.server && a > b)
        }
    }

    /// One connection's graphs with the client (true) or the server (false) as the data sender;
    /// nil sender: the side that sent more data bytes. Nil when the stream has no segment.
    public func graphs(stream: Int, senderIsClient: Bool? = nil, windowSeconds: Double = 0.1) -> StreamGraphs? {
        guard let records = records[stream], let (client, server) = endpoints[stream] else { return nil }
        let bytes = dataBytes(stream: stream)
        let fromClient = senderIsClient ?? (bytes.client >= bytes.server)

        var segments: [SequenceMark] = []
        var acks: [AckPoint] = []
        var roundTrips: [RoundTripPoint] = []
        var windows: [WindowPoint] = []
        for record in records {
            if record.fromClient == fromClient {
                guard record.length > 0 else { continue }
                segments.append(SequenceMark(time: record.time, frame: record.frame, sequence: record.sequence,
                                             end: record.sequence + record.length, kind: SequenceMarkKind(record.analysis)))
                if let flight = record.bytesInFlight {
                    windows.append(WindowPoint(time: record.time, frame: record.frame, bytesInFlight: flight))
                }
            } else {
                if let ack = record.acknowledgement {
                    acks.append(AckPoint(time: record.time, frame: record.frame, acknowledgement: ack,
                                         windowEdge: record.window.map { ack + $0 }))
                }
                if let window = record.window {
                    windows.append(WindowPoint(time: record.time, frame: record.frame, receiverWindow: window))
                }
                if let rtt = record.roundTrip {
                    var point = RoundTripPoint(time: record.time, frame: record.frame, ackedFrame: record.ackedFrame,
                                               sample: rtt, counted: false)
                    if case .counted(let update) = record.sample {
                        point.counted = true
                        point.estimated = update.estimated
                        point.timeout = update.timeout
                    }
                    roundTrips.append(point)
                }
            }
        }
        let phases = GraphPhaseReader.phases(records: records, senderIsClient: fromClient)
        return StreamGraphs(stream: stream, client: client, server: server, senderIsClient: fromClient,
                            timeOriginFrame: originFrame ?? 1, windowSeconds: windowSeconds, segments: segments,
                            acks: acks, roundTrips: roundTrips,
                            rates: Self.rates(segments, windowSeconds: windowSeconds),
                            windows: windows, phases: phases,
                            timeOrigin: Double(origin.seconds) + Double(origin.nanoseconds) / 1e9)
    }

    /// At most this many points on the throughput graph: a long capture gets a coarser step.
    static let maximumRatePoints = 2000

    /// Throughput and goodput over a window of `windowSeconds` sliding in steps of a quarter
    /// window (coarser for long captures), from the first data segment to the last.
    static func rates(_ segments: [SequenceMark], windowSeconds: Double) -> [RatePoint] {
        guard let first = segments.first, let last = segments.last, windowSeconds > 0 else { return [] }
        let span = last.time - first.time
        let step = max(windowSeconds / 4, span / Double(maximumRatePoints))
        var points: [RatePoint] = []
        var (all, new) = (0, 0)
        var (enter, leave) = (0, 0)
        var index = 0
        while true {
            // The last point at the last segment: the window that ends with it.
            let time = min(first.time + Double(index) * step, last.time)
            // Segments in (time − window, time].
            while enter < segments.count, segments[enter].time <= time {
                all += segments[enter].length
                if !segments[enter].kind.isRetransmission { new += segments[enter].length }
                enter += 1
            }
            while leave < enter, segments[leave].time <= time - windowSeconds {
                all -= segments[leave].length
                if !segments[leave].kind.isRetransmission { new -= segments[leave].length }
                leave += 1
            }
            points.append(RatePoint(time: time, throughput: Double(all * 8) / windowSeconds,
                                    goodput: Double(new * 8) / windowSeconds))
            if time >= last.time { break }
            index += 1
        }
        return points
    }
}
