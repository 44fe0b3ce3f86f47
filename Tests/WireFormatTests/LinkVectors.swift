/// Frames from other people's captures (tcpdump's tests, BSD licence; PcapPlusPlus's, Unlicense;
/// the corpus's sources.tsv names each file), as `tcpdump -nn -XX` prints them. Long frames are
/// cut after a few bytes of payload, like a small snapshot length: the IP length still claims
/// the whole packet. tshark decodes each as the test that uses it expects.
enum LinkVectors {
    /// DLT_PPP, tcpdump `bgp_vpn_attrset.pcap`: 12.4.4.4.2051 > 12.1.1.1.179: Flags [P.],
    /// seq 3293077573:3293077694, ack 3348108582, win 16384, options [nop,nop,TS val 383131 ecr 890299], length 121
    static let ppp = bytes(fromDump: """
        0x0000:  ff03 0021 45c0 00ad e504 0000 3e06 797d  ...!E.......>.y}
        0x0010:  0c04 0404 0c01 0101 0803 00b3 c448 6045  .............H`E
        0x0020:  c790 1526 8018 4000 cf18 0000 0101 080a  ...&..@.........
        0x0030:  0005 d89b 000d 95bb ffff ffff ffff ffff  ................
        """)

    /// DLT_C_HDLC, PcapPlusPlus `CiscoHDLC.pcap` frame 2: IP6 2402:f000:1:8e01::5555.1234 >
    /// 2607:fcd0:100:2300::b108:2a6b.80: Flags [none], win 0, length 0
    static let ciscoHDLC = bytes(fromDump: """
        0x0000:  0f00 86dd 6000 0000 0014 0600 2402 f000  ....`.......$...
        0x0010:  0001 8e01 0000 0000 0000 5555 2607 fcd0  ..........UU&...
        0x0020:  0100 2300 0000 0000 b108 2a6b 04d2 0050  ..#.......*k...P
        0x0030:  0000 0000 0000 0000 5000 0000 911c 0000  ........P.......
        """)

    /// DLT_ARCNET_LINUX, RFC 1051 framing, tcpdump `arcnet-rfc1051-arp-icmp-http.pcap` frame 11:
    /// 10.80.131.1.1026 > 146.190.240.163.80: Flags [S], seq 2399122329, win 1872,
    /// options [mss 468,sackOK,TS val 287949 ecr 0,nop,wscale 0], length 0
    static let arcnetSYN = bytes(fromDump: """
        0x0000:  be50 c300 f045 0000 3cd7 5440 0040 0652  .P...E..<.T@.@.R
        0x0010:  b40a 5083 0192 bef0 a304 0200 508e ffb3  ..P.........P...
        0x0020:  9900 0000 00a0 0207 5088 2700 0002 0401  ........P.'.....
        0x0030:  d404 0208 0a00 0464 cd00 0000 0001 0303  .......d........
        0x0040:  00                                       .
        """)

    /// The same capture, frame 1: ARP, Request who-has 10.80.131.254 tell 10.80.131.1, length 18
    /// (ARCNET addresses are one byte long).
    static let arcnetARP = bytes(fromDump: """
        0x0000:  be00 ed08 f100 0708 0001 0400 01be 0a50  ...............P
        0x0010:  8301 000a 5083 fe                        ....P..
        """)

    /// Ethernet, two 802.1Q tags, PPPoE session, PcapPlusPlus `one_http_stream_rst.pcap` frame 1:
    /// PPPoE [ses 0xdde5] IP 10.3.65.35.5068 > 185.8.212.46.80: Flags [S], seq 2631065158, win 8192,
    /// options [mss 1440,nop,wscale 8,nop,nop,sackOK], length 0
    static let pppoe = bytes(fromDump: """
        0x0000:  442b 03cd 5200 6cf0 49d4 fea8 8100 03ab  D+..R.l.I.......
        0x0010:  8100 02e8 8864 1100 dde5 0036 0021 4500  .....d.....6.!E.
        0x0020:  0034 3626 4000 8006 ec40 0a03 4123 b908  .46&@....@..A#..
        0x0030:  d42e 13cc 0050 9cd2 de46 0000 0000 8002  .....P...F......
        0x0040:  2000 e791 0000 0204 05a0 0103 0308 0101  ................
        0x0050:  0402                                     ..
        """)

    /// Ethernet, two 802.1Q tags, one MPLS label, PcapPlusPlus `MplsPackets.pcap` frame 1 (cut):
    /// MPLS (label 16000, tc 0, [S], ttl 126) IP 2.3.4.6.20636 > 12.13.14.15.80: Flags [P.],
    /// seq 1184260616:1184260911, ack 2147483647, win 1019, length 295
    static let mpls = bytes(fromDump: """
        0x0000:  28c2 ceba 97e8 5081 89f9 d57b 8100 00d7  (.....P....{....
        0x0010:  8100 000b 8847 03e8 017e 4500 014f 7ac5  .....G...~E..Oz.
        0x0020:  0000 7e06 a0bf 0203 0406 0c0d 0e0f 509c  ..~...........P.
        0x0030:  0050 4696 6208 7fff ffff 5018 03fb a1c8  .PF.b.....P.....
        0x0040:  0000 4745 5420 2f69 2f3f 7469 643d 3139  ..GET./i/?tid=19
        """)

    /// The same capture, frame 2 (cut): two labels, then an Ethernet pseudowire with its control
    /// word, an Ethernet frame with VLAN 1, and an ICMP echo reply 192.168.1.2 > 192.168.1.1.
    static let mplsPseudowire = bytes(fromDump: """
        0x0000:  cc04 04dc 0010 cc03 04dc 0010 8847 0001  .............G..
        0x0010:  20fe 0001 01ff 0000 0000 cc07 0d08 0000  ................
        0x0020:  cc00 0a64 0000 8100 0001 0800 4500 0064  ...d........E..d
        0x0030:  0007 0000 ff01 383e c0a8 0102 c0a8 0101  ......8>........
        0x0040:  0000 bb2a 0001 0002 0000 0000 0004 cb18  ...*............
        """)

    /// GRE with WCCP's redirect header, tcpdump `wccp_redirect_gre.pcap` (cut): IP 10.254.127.194 >
    /// 10.254.214.82: GREv0, gre-proto-0x883e, carrying 10.254.127.195.1291 > 10.254.108.228.445: Flags [P.]
    static let wccp = bytes(fromDump: """
        0x0000:  0014 5e28 99a8 000f 353a ab40 0800 4500  ..^(....5:.@..E.
        0x0010:  010c ac83 0000 fd2f a42e 0afe 7fc2 0afe  ......./........
        0x0020:  d652 0000 883e 0559 0048 4500 00f0 9114  .R...>.Y.HE.....
        0x0030:  4000 4006 a650 0afe 7fc3 0afe 6ce4 050b  @.@..P......l...
        0x0040:  01bd 8383 a18a 550a c89d 8018 f98f 2909  ......U.......).
        0x0050:  0000 0101 080a 0000 9e1e 01ab cb5f 0000  ............._..
        """)

    /// GRE with a key, carrying an Ethernet frame (transparent Ethernet bridging), PcapPlusPlus
    /// `GrePackets.pcap` frame 7: IP 1.2.3.4 > 4.3.2.1: GREv0, key=0xfde8, length 62:
    /// IP 10.0.0.4.1232 > 10.0.0.5.80: Flags [S], seq 0, win 8192, length 0
    static let greEthernet = bytes(fromDump: """
        0x0000:  00ae f352 aad1 0002 1537 a244 0800 4500  ...R.....7.D..E.
        0x0010:  0052 0001 0000 402f 7073 0102 0304 0403  .R....@/ps......
        0x0020:  0201 2000 6558 0000 fde8 0001 0203 0405  ....eX..........
        0x0030:  0001 2345 5678 0800 4500 0028 0001 0000  ..#EVx..E..(....
        0x0040:  4006 66c7 0a00 0004 0a00 0005 04d0 0050  @.f............P
        0x0050:  0000 0000 0000 0000 5002 2000 76ba 0000  ........P...v...
        """)

    /// PPTP's enhanced GRE (version 1), PcapPlusPlus `GrePackets.cap` frame 26 (cut): IP 20.0.0.2 >
    /// 20.0.0.1: GREv1, call 24, seq 7, length 100: IP 17.1.1.122 > 40.0.0.2: ICMP echo request
    static let pptp = bytes(fromDump: """
        0x0000:  0009 e955 c01c 0014 0000 0200 0800 4500  ...U..........E.
        0x0010:  0078 18d8 0000 402f 397d 1400 0002 1400  .x....@/9}......
        0x0020:  0001 3001 880b 0058 0018 0000 0007 ff03  ..0....X........
        0x0030:  0021 4500 0054 1101 0000 4001 2f2c 1101  .!E..T....@./,..
        0x0040:  017a 2800 0002 0800 4500 182b 0001 0000  .z(.....E..+....
        """)

    /// GTP-U with an extension header, PcapPlusPlus `gtp.pcap` frame 2 (cut): IP 10.155.148.149.9000 >
    /// 10.155.148.157.2152, carrying 10.155.182.202.41511 > 10.155.186.57.6005: Flags [.], length 1448
    static let gtp = bytes(fromDump: """
        0x0000:  1200 0102 3100 e8b7 4810 e128 0800 4558  ....1...H..(..EX
        0x0010:  0608 208c 0000 fe11 5798 0a9b 9495 0a9b  ........W.......
        0x0020:  949d 2328 0868 05f4 0000 36ff 05e4 0010  ..#(.h....6.....
        0x0030:  0657 0005 00c0 0109 0400 4500 05dc dcfa  .W........E.....
        0x0040:  4000 3f06 d2e7 0a9b b6ca 0a9b ba39 a227  @.?..........9.'
        0x0050:  1775 9612 e603 2201 549a 8010 002e ae8a  .u....".T.......
        0x0060:  0000 0101 080a 47e0 cb7a 0002 d5ff 3637  ......G..z....67
        """)

    /// PcapPlusPlus `IcmpPackets.pcap` frame 13: IP 10.0.0.7 > 10.0.0.138: ICMP source quench,
    /// quoting IP 1.2.3.4 > 5.6.7.8 and the first 8 bytes of its TCP header (ports 0, seq 585665).
    static let icmpQuotingTCP = bytes(fromDump: """
        0x0000:  3046 9a23 fbfa 0800 27d7 5be0 0800 4500  0F.#....'.[...E.
        0x0010:  0038 4863 0000 4001 1dd2 0a00 0007 0a00  .8Hc..@.........
        0x0020:  008a 0400 0c36 0000 0000 4500 001c 0c80  .....6....E.....
        0x0030:  0000 4006 5e49 0102 0304 0506 0708 0000  ..@.^I..........
        0x0040:  0000 0008 efc1                           ......
        """)

    /// The IPv4 SYN of `Vectors.syn` (127.0.0.1.55670 > 127.0.0.1.5099), without its Ethernet
    /// header: the packet the made-up link headers below are put around.
    static var ipSYN: [UInt8] { Array(Vectors.syn[14...]) }
}
