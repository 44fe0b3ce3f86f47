/// Packets from real Linux loopback traffic (a board-like client sending to port 5099), with the
/// `tcpdump -nn -XX` lines they came from.

/// Bytes from the hex columns of `tcpdump -XX` lines (everything between "0x....:" and the ASCII).
func bytes(fromDump dump: String) -> [UInt8] {
    var out: [UInt8] = []
    for line in dump.split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        let hexPart = line[line.index(after: colon)...].prefix(41)
        for group in hexPart.split(separator: " ") {
            var index = group.startIndex
            while index < group.endIndex {
                let next = group.index(index, offsetBy: 2)
                out.append(UInt8(group[index..<next], radix: 16)!)
                index = next
            }
        }
    }
    return out
}

enum Vectors {
    /// 127.0.0.1.55670 > 127.0.0.1.5099: Flags [S], seq 2809560656, win 65495,
    /// options [mss 65495,sackOK,TS val 512096707 ecr 0,nop,wscale 10], length 0
    static let syn = bytes(fromDump: """
        0x0000:  0000 0000 0000 0000 0000 0000 0800 4500  ..............E.
        0x0010:  003c 99d4 4000 4006 a2e5 7f00 0001 7f00  .<..@.@.........
        0x0020:  0001 d976 13eb a776 7e50 0000 0000 a002  ...v...v~P......
        0x0030:  ffd7 fe30 0000 0204 ffd7 0402 080a 1e85  ...0............
        0x0040:  f9c3 0000 0000 0103 030a                 ..........
        """)

    /// 127.0.0.1.55670 > 127.0.0.1.5099: Flags [P.], seq 1:19, ack 1, win 64,
    /// options [nop,nop,TS val 512096707 ecr 894926990], length 18   ("HELLO nodemcu-01\r\n")
    static let hello = bytes(fromDump: """
        0x0000:  0000 0000 0000 0000 0000 0000 0800 4500  ..............E.
        0x0010:  0046 99d6 4000 4006 a2d9 7f00 0001 7f00  .F..@.@.........
        0x0020:  0001 d976 13eb a776 7e51 7c43 c7dd 8018  ...v...v~Q|C....
        0x0030:  0040 fe3a 0000 0101 080a 1e85 f9c3 3557  .@.:..........5W
        0x0040:  808e 4845 4c4c 4f20 6e6f 6465 6d63 752d  ..HELLO.nodemcu-
        0x0050:  3031 0d0a                                01..
        """)

    static let ethernetLength = 14
    static let ipv4Length = 20
}
