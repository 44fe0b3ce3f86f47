/// The sender's smoothed round-trip time, as RFC 6298 computes it and textbooks teach it
/// (Kurose & Ross: EstimatedRTT, DevRTT, TimeoutInterval).
///
/// The first sample R sets EstimatedRTT = R and DevRTT = R/2; each later sample R' gives
/// DevRTT = (1 − β)·DevRTT + β·|EstimatedRTT − R'| (with the EstimatedRTT from before the sample,
/// as RFC 6298 orders it), then EstimatedRTT = (1 − α)·EstimatedRTT + α·R', with α = 1/8 and
/// β = 1/4. TimeoutInterval = EstimatedRTT + 4·DevRTT; RFC 6298 then raises it to at least 1 s and
/// Linux to at least 200 ms, which is left to the reader of the value. Samples come from the
/// capture's ACKs (tshark's `ack_rtt`): a capture near the receiver sees shorter times than the
/// sender's kernel measured.
public struct RoundTripEstimator: Sendable {
    public static let alpha = 0.125
    public static let beta = 0.25

    public private(set) var estimated: Double?
    public private(set) var deviation: Double?
    /// Samples counted so far.
    public private(set) var samples = 0

    public var timeout: Double? {
        guard let estimated, let deviation else { return nil }
        return estimated + 4 * deviation
    }

    public init() {}

    /// Takes one sample (seconds) and says what it changed.
    @discardableResult
    public mutating func add(_ sample: Double) -> RoundTripUpdate {
        let before = (estimated: estimated, deviation: deviation)
        if let estimated, let deviation {
            self.deviation = (1 - Self.beta) * deviation + Self.beta * abs(estimated - sample)
            self.estimated = (1 - Self.alpha) * estimated + Self.alpha * sample
        } else {
            estimated = sample
            deviation = sample / 2
        }
        samples += 1
        return RoundTripUpdate(sample: sample, number: samples, previousEstimated: before.estimated,
                               previousDeviation: before.deviation, estimated: estimated!, deviation: deviation!)
    }
}

/// One RTT sample and the estimate after it: what `tcplab read` explains, step by step.
public struct RoundTripUpdate: Sendable, Equatable {
    /// SampleRTT, seconds.
    public var sample: Double
    /// 1 for the sender's first counted sample.
    public var number: Int
    /// EstimatedRTT and DevRTT before the sample (nil for the first).
    public var previousEstimated: Double?
    public var previousDeviation: Double?
    public var estimated: Double
    public var deviation: Double
    public var timeout: Double { estimated + 4 * deviation }
}

/// What an ACK's round-trip time did to the sender's estimate.
public enum RoundTripSample: Sendable, Equatable {
    /// Counted: the estimate after it.
    case counted(RoundTripUpdate)
    /// Not counted (Karn's rule): the bytes it acknowledges were sent more than once, so the ACK
    /// may answer either copy. The associated value is the time since the first copy (`ack_rtt`).
    case retransmitted(Double)

    /// The ACK's round-trip time (tshark's `ack_rtt`), counted or not.
    public var seconds: Double {
        switch self {
        case .counted(let update): update.sample
        case .retransmitted(let seconds): seconds
        }
    }
}
