import WireFormat

/// Follows every TCP connection in a capture, packet by packet, the way Wireshark does: stream
/// numbers, relative sequence numbers, window scaling, the handshake and the teardown.
///
/// Memory is bounded by the connections that are open, not by the packets: a finished connection
/// leaves the table once it has been quiet for `finishedLinger` seconds of capture time (then a
/// stray late packet on the same ports would open a new stream; tshark would reuse the old one).
public final class TCPTracker {
    private var table: [ConversationKey: ConversationBox] = [:]
    private var nextIndex = 0
    private var packetsSinceSweep = 0
    private let finishedLinger: Double
    /// Every conversation in order of appearance, when `keepHistory` was asked for (summaries).
    private var boxes: [ConversationBox] = []
    private let keepHistory: Bool

    /// Every connection so far, in stream order (empty unless `keepHistory`).
    public var history: [Conversation] { boxes.map(\.value) }

    /// Connection `stream` as it stands: from the history, or while it is still open.
    public func conversation(stream: Int) -> Conversation? {
        if keepHistory { return boxes.indices.contains(stream) ? boxes[stream].value : nil }
        return table.values.first { $0.value.index == stream }?.value
    }

    public init(keepHistory: Bool = true, finishedLinger: Double = 240) {
        self.keepHistory = keepHistory
        self.finishedLinger = finishedLinger
    }

    /// Connections seen so far.
    public var conversationCount: Int { nextIndex }

    /// `notAnalysed`: why the segment is left out of the expert analysis (a header that contradicts
    /// its packet, a fragment of a datagram never completed); it still belongs to its stream, and
    /// its numbers are shown raw, as Wireshark shows them. `clock` is the capture time in
    /// nanoseconds from any origin (PacketAnalyzer counts from the capture's first second): the
    /// analysis uses differences only, and round-trip times come out exact.
    public func track(_ tcp: TCPHeader, from source: IPAddress, to destination: IPAddress,
                      payloadLength: Int, clock: Int64, frame: Int, notAnalysed: NotAnalysedReason? = nil) -> Segment {
        let time = Double(clock) / 1e9
        let sourceEndpoint = Endpoint(address: source, port: tcp.sourcePort)
        let destinationEndpoint = Endpoint(address: destination, port: tcp.destinationPort)
        let key = ConversationKey(sourceEndpoint, destinationEndpoint)
        let flags = tcp.flags
        let isPureSyn = flags.contains(.syn) && !flags.contains(.ack)

        let box: ConversationBox
        if let existing = table[key],
           !(isPureSyn && startsNewConnection(existing.value, tcp.sequenceNumber)) {
            box = existing
        } else {
            // Without a SYN, guess the client: the side with the higher (ephemeral) port.
            let sourceIsClient = isPureSyn || (!flags.contains(.syn) && tcp.sourcePort >= tcp.destinationPort)
            box = ConversationBox(Conversation(
                index: nextIndex, client: sourceIsClient ? sourceEndpoint : destinationEndpoint,
                server: sourceIsClient ? destinationEndpoint : sourceEndpoint, time: time, frame: frame))
            nextIndex += 1
            table[key] = box
            if keepHistory { boxes.append(box) }
        }
        let fromClient = box.value.client.endpoint == sourceEndpoint
        let isFirstPacket = box.value.client.segments + box.value.server.segments == 0

        var segment = update(box, tcp, fromClient: fromClient, payloadLength: payloadLength,
                             clock: clock, frame: frame, notAnalysed: notAnalysed)
        segment.startsMidConnection = isFirstPacket && !flags.contains(.syn)

        packetsSinceSweep += 1
        if packetsSinceSweep >= 4096 { sweep(now: time) }
        return segment
    }

    /// Wireshark's rule: a SYN whose ISN differs from the one this conversation began with is a
    /// new connection on reused ports; so is any SYN after the connection finished.
    private func startsNewConnection(_ conversation: Conversation, _ sequence: SequenceNumber) -> Bool {
        if conversation.isFinished { return true }
        guard let isn = conversation.client.isn else { return false }
        return isn != sequence
    }

    private func update(_ box: ConversationBox, _ tcp: TCPHeader, fromClient: Bool,
                        payloadLength: Int, clock: Int64, frame: Int, notAnalysed: NotAnalysedReason?) -> Segment {
        update(&box.value, tcp, fromClient: fromClient, payloadLength: payloadLength, clock: clock, frame: frame,
               notAnalysed: notAnalysed)
    }

    private func update(_ conversation: inout Conversation, _ tcp: TCPHeader, fromClient: Bool,
                        payloadLength: Int, clock: Int64, frame: Int, notAnalysed: NotAnalysedReason?) -> Segment {
        let time = Double(clock) / 1e9
        let flags = tcp.flags
        let seq = tcp.sequenceNumber
        let ack = tcp.acknowledgementNumber
        // Taken out of the conversation (an empty half left in their place), so their arrays and
        // tables are uniquely referenced here: a copy would make every append copy them whole.
        // Until they are put back (below), read them here, not through `conversation`.
        var sender: HalfConnection, receiver: HalfConnection
        if fromClient {
            (sender, receiver) = (Self.takeHalf(&conversation.client), Self.takeHalf(&conversation.server))
        } else {
            (sender, receiver) = (Self.takeHalf(&conversation.server), Self.takeHalf(&conversation.client))
        }

        // Relative numbering bases, exactly as Wireshark sets them.
        if sender.base == nil { sender.base = flags.contains(.syn) ? seq : seq - 1 }
        if receiver.base == nil && flags.contains(.ack) { receiver.base = ack - 1 }

        var segment = Segment(stream: conversation.index, connection: .pending, fromClient: fromClient,
                              relativeSequence: sender.relative(seq),
                              relativeAcknowledgement: flags.contains(.ack) ? receiver.relative(ack) : nil,
                              nextSequence: 0)
        let segmentLength = payloadLength + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
        segment.nextSequence = segment.relativeSequence &+ UInt32(segmentLength)
        if let notAnalysed {
            segment.notAnalysed = notAnalysed
            segment.relativeSequence = seq.rawValue
            segment.relativeAcknowledgement = flags.contains(.ack) ? ack.rawValue : nil
        }

        // The opening.
        if flags.contains(.syn) {
            segment.repeatsSyn = sender.sawSyn && sender.isn == seq
            sender.sawSyn = true
            sender.isn = seq
            sender.mss = tcp.mss
            sender.windowScale = tcp.windowScale
            sender.sackPermitted = tcp.sackPermitted
            sender.synOptionsComplete = tcp.optionsError == nil
            if flags.contains(.ack) {
                conversation.sawSynAck = true
                segment.handshake = .synAck
            } else {
                conversation.sawSyn = true
                conversation.synTime = time
                segment.handshake = .syn
            }
        } else if fromClient && flags.contains(.ack) && conversation.sawSynAck && !conversation.handshakeCompleted,
                  let serverISN = receiver.isn, ack == serverISN + 1 {
            conversation.handshakeCompleted = true
            conversation.initialRoundTrip = conversation.synTime.map { time - $0 }
            segment.handshake = .ack
        }

        // Window: SYN segments are never scaled (RFC 7323).
        if flags.contains(.syn) {
            segment.scaledWindow = Int(tcp.window)
        } else if let shift = Conversation.windowShift(own: sender, peer: receiver) {
            segment.scaledWindow = Int(tcp.window) << shift
            segment.windowScaleIsAssumed = Conversation.windowScaleIsAssumed(own: sender, peer: receiver)
        }

        // The ending.
        let senderClosedBefore = sender.finSequence != nil
        if flags.contains(.fin) {
            segment.teardown.insert(.fin)
            if sender.finSequence == nil {
                if receiver.finSequence == nil { segment.teardown.insert(.firstFin) }
                sender.finSequence = seq + payloadLength
            }
        }
        if flags.contains(.ack), let peerFin = receiver.finSequence, !receiver.finAcknowledged,
           peerFin.distance(to: ack) >= 1 {
            receiver.finAcknowledged = true
            segment.teardown.insert(.acksPeerFin)
            if senderClosedBefore { segment.teardown.insert(.lastAck) }
        }
        if flags.contains(.rst) {
            segment.teardown.insert(.reset)
            if !fromClient && conversation.sawSyn && !conversation.sawSynAck {
                segment.teardown.insert(.refused)
            }
        }

        sender.payloadBytes += payloadLength
        sender.segments += 1
        if payloadLength > 0 { sender.dataSegments += 1 }

        let previousAck = sender.lastAck
        // A header that contradicts its own packet (Wireshark: "Short segment", a malformed
        // packet) is numbered but not analysed: its numbers cannot be trusted.
        let expert = notAnalysed != nil ? ExpertAnalysis.Result() : ExpertAnalysis.analyze(
            tcp, payloadLength: payloadLength, sender: &sender, receiver: &receiver,
            receiverShift: Conversation.windowShift(own: receiver, peer: sender),
            initialRoundTrip: conversation.initialRoundTrip, frame: frame, clock: clock)
        segment.analysis = expert.flags
        segment.duplicateAckNumber = expert.duplicateAckNumber
        segment.duplicateAckFrame = expert.duplicateAckFrame
        segment.ackRoundTripNanoseconds = expert.ackRoundTripNanoseconds
        segment.ackedFrame = expert.ackedFrame
        segment.roundTripSample = expert.roundTripSample
        segment.bytesInFlight = expert.bytesInFlight
        segment.silence = expert.silence
        segment.peerWindowClosed = expert.peerWindowClosed
        segment.retransmissionOf = expert.retransmissionOf
        if notAnalysed == nil {
            sender.totals.recordSent(seq: seq, length: payloadLength, analysis: expert.flags,
                                     bytesInFlight: expert.bytesInFlight, time: time, frame: frame)
            let advance = flags.contains(.ack) ? previousAck.map { max(0, $0.distance(to: ack)) } ?? 0 : 0
            receiver.totals.recordReceived(ack: flags.contains(.ack) ? ack : nil, advance: advance,
                                           coveredDataSegments: expert.coveredDataSegments, window: segment.scaledWindow,
                                           isSyn: flags.contains(.syn), analysis: expert.flags, time: time, frame: frame)
        }

        if fromClient {
            conversation.client = sender; conversation.server = receiver
        } else {
            conversation.server = sender; conversation.client = receiver
        }
        conversation.lastTime = time
        conversation.lastFrame = frame
        updateEnding(&conversation, segment)
        segment.connection = conversation.context  // once, after every change this segment made
        return segment
    }

    private static func takeHalf(_ half: inout HalfConnection) -> HalfConnection {
        let taken = half
        half = HalfConnection(endpoint: taken.endpoint)
        return taken
    }

    private func updateEnding(_ conversation: inout Conversation, _ segment: Segment) {
        if conversation.isFinished { return }
        if segment.teardown.contains(.refused) {
            conversation.ending = .refused
        } else if segment.teardown.contains(.reset) {
            conversation.ending = .reset(byClient: segment.fromClient)
        } else if conversation.client.finSequence != nil && conversation.server.finSequence != nil {
            if case .halfClosed(let byClient) = conversation.ending {
                conversation.ending = .closed(firstCloserIsClient: byClient)
            } else {
                conversation.ending = .closed(firstCloserIsClient: segment.fromClient)
            }
        } else if segment.teardown.contains(.fin) {
            conversation.ending = .halfClosed(byClient: segment.fromClient)
        }
    }

    /// Drops finished connections that have been quiet for a while, so memory follows open ones.
    private func sweep(now: Double) {
        packetsSinceSweep = 0
        table = table.filter { !($0.value.value.isFinished && now - $0.value.value.lastTime > finishedLinger) }
    }
}
