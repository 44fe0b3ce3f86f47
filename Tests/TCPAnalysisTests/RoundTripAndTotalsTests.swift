import CaptureAnalysis
import Foundation
import TCPAnalysis
import TestSupport
import Testing

/// RFC 6298's estimate, worked by hand, and Karn's rule on a real retransmission.
@Suite("EstimatedRTT, DevRTT and the timeout")
struct RoundTripEstimatorTests {
    @Test func followsTheTextbookArithmetic() {
        var estimator = RoundTripEstimator()
        // First sample R = 100 ms: EstimatedRTT = R, DevRTT = R/2, timeout = 100 + 4·50 = 300 ms.
        let first = estimator.add(0.100)
        #expect(first.previousEstimated == nil && first.number == 1)
        #expect(abs(first.estimated - 0.100) < 1e-12 && abs(first.deviation - 0.050) < 1e-12)
        #expect(abs(first.timeout - 0.300) < 1e-12)
        // R = 120 ms: DevRTT = 0.75·50 + 0.25·|100 − 120| = 42.5; EstimatedRTT = 0.875·100 + 0.125·120 = 102.5.
        let second = estimator.add(0.120)
        #expect(second.previousEstimated == 0.100 && second.previousDeviation == 0.050)
        #expect(abs(second.deviation - 0.0425) < 1e-12 && abs(second.estimated - 0.1025) < 1e-12)
        #expect(abs(second.timeout - 0.2725) < 1e-12)
        // R = 60 ms: DevRTT = 0.75·42.5 + 0.25·|102.5 − 60| = 42.5; EstimatedRTT = 0.875·102.5 + 0.125·60 = 97.1875.
        let third = estimator.add(0.060)
        #expect(abs(third.deviation - 0.0425) < 1e-12 && abs(third.estimated - 0.0971875) < 1e-12)
        #expect(estimator.samples == 3 && abs(estimator.timeout! - 0.2671875) < 1e-12)
    }

    /// zero-window.pcap: frame 8 is sent again in frame 9; the ACK in frame 10 may answer either.
    @Test func karnsRuleSkipsTheAckOfARetransmission() throws {
        let segments = try segmentsByFrame("zero-window.pcap")
        #expect(segments[9]?.analysis.contains(.retransmission) == true)
        guard case .retransmitted(let rtt)? = segments[10]?.roundTripSample else {
            Issue.record("frame 10 should be left out by Karn's rule: \(String(describing: segments[10]?.roundTripSample))")
            return
        }
        #expect(abs(rtt - 0.041201) < 1e-9, "measured from the first copy, as tshark's ack_rtt")
        // Every other ACK with an ack_rtt is a counted sample, numbered in order per side.
        var expectedNumber = [true: 0, false: 0]
        for frame in segments.keys.sorted() {
            guard let segment = segments[frame], segment.ackRoundTrip != nil, frame != 10 else { continue }
            guard case .counted(let update)? = segment.roundTripSample else {
                Issue.record("frame \(frame): a sample not counted"); continue
            }
            expectedNumber[!segment.fromClient, default: 0] += 1
            #expect(update.number == expectedNumber[!segment.fromClient], "frame \(frame)")
            #expect(update.sample == segment.ackRoundTrip)
        }
    }
}

/// The summary's totals on loss.pcap against tshark's own flags and numbers for the same frames.
@Suite("Per-connection totals")
struct TransferTotalsTests {
    @Test func lossCaptureAgreesWithTshark() throws {
        let reader = try CaptureReader.open(file: fixturePath("loss.pcap"))
        try reader.read { _, _ in }
        let connection = try #require(reader.tracker.history.first)
        let totals = connection.client.totals
        let rows = try tsharkRows("loss.pcap")
        func frames(_ field: String, fromClient: Bool) -> [Int] {
            rows.filter { !($0[field] ?? "").isEmpty && ($0["tcp.srcport"] == "58844") == fromClient }
                .compactMap { Int($0["frame.number"] ?? "") }
        }
        for (tally, field, fromClient) in [(totals.retransmissions, "tcp.analysis.retransmission", true),
                                           (totals.fastRetransmissions, "tcp.analysis.fast_retransmission", true),
                                           (totals.outOfOrder, "tcp.analysis.out_of_order", true),
                                           (totals.duplicateAcks, "tcp.analysis.duplicate_ack", false)] {
            let expected = frames(field, fromClient: fromClient)
            #expect(tally.count == expected.count, "\(field)")
            #expect(tally.firstFrame == expected.first, "\(field)")
        }
        #expect(totals.retransmissions.count > 0 && totals.duplicateAcks.count > 0, "the fixture has losses")
        // New bytes: the highest next sequence number of the client's data, less the SYN's one.
        let clientData = rows.filter { $0["tcp.srcport"] == "58844" && Int($0["tcp.len"] ?? "") ?? 0 > 0 }
        let highest = clientData.compactMap { Int($0["tcp.nxtseq"] ?? "") }.max()!
        #expect(totals.newBytes == highest - 1)
        // The largest bytes in flight is tshark's largest.
        #expect(totals.largestInFlight == rows.compactMap { Int($0["tcp.analysis.bytes_in_flight"] ?? "") }.max())
        // Throughput: new bytes over first data byte → the ACK that covers the last.
        let firstData = Double(clientData.first!["frame.time_epoch"]!)!
        let coveringAck = rows.first { $0["tcp.srcport"] == "5050" && Int($0["tcp.ack"] ?? "") ?? 0 >= highest }!
        let seconds = Double(coveringAck["frame.time_epoch"]!)! - firstData
        #expect(abs(totals.transferSeconds! - seconds) < 1e-6)
        #expect(abs(totals.throughput! - Double(highest - 1) * 8 / seconds) < 1)
        #expect(totals.zeroWindows.count == 0 && totals.windowFull.count == 0)
    }

    @Test func zeroWindowIsTheReceiverLimitingTheSender() throws {
        let reader = try CaptureReader.open(file: fixturePath("zero-window.pcap"))
        try reader.read { _, _ in }
        let totals = try #require(reader.tracker.history.first).client.totals
        #expect(totals.zeroWindows.count > 0 && totals.smallestWindow == 0)
        #expect(totals.windowFull.count > 0)
    }
}

private func segmentsByFrame(_ fixture: String) throws -> [Int: Segment] {
    let reader = try CaptureReader.open(file: fixturePath(fixture))
    var segments: [Int: Segment] = [:]
    try reader.read { analyzed, _ in segments[analyzed.frame] = analyzed.segment }
    return segments
}
