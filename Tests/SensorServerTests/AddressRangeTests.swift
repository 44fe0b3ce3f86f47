import NIOCore
import Testing

@testable import SensorServer

@Suite("AddressRange: --allow CIDR parsing and matching")
struct AddressRangeTests {
    func address(_ text: String) throws -> IPAddressBytes {
        try #require(IPAddressBytes(text))
    }

    @Test("an IPv4 /24 holds its 256 addresses and nothing next to it")
    func ipv4Range() throws {
        let range = try AddressRange("192.168.1.0/24")
        #expect(range.contains(try self.address("192.168.1.0")))
        #expect(range.contains(try self.address("192.168.1.37")))
        #expect(range.contains(try self.address("192.168.1.255")))
        #expect(!range.contains(try self.address("192.168.2.1")))
        #expect(!range.contains(try self.address("192.168.0.255")))
        #expect(range.description == "192.168.1.0/24")
    }

    @Test("host bits after the prefix are ignored; no prefix means one host")
    func hostBitsAndSingleHost() throws {
        #expect(try AddressRange("192.168.1.7/24") == AddressRange("192.168.1.0/24"))
        let host = try AddressRange("10.0.0.7")
        #expect(host.prefixLength == 32)
        #expect(host.contains(try self.address("10.0.0.7")))
        #expect(!host.contains(try self.address("10.0.0.8")))
        #expect(try AddressRange("10.1.2.3/0").contains(try self.address("203.0.113.9")))
        #expect(try AddressRange("172.16.0.0/12").contains(try self.address("172.31.255.1")))
        #expect(try !AddressRange("172.16.0.0/12").contains(try self.address("172.32.0.1")))
    }

    @Test("IPv6 ranges, and IPv6 never matches an IPv4 range or the reverse")
    func ipv6() throws {
        let range = try AddressRange("fd00:abcd::/32")
        #expect(range.contains(try self.address("fd00:abcd::1")))
        #expect(range.contains(try self.address("fd00:abcd:ffff::9")))
        #expect(!range.contains(try self.address("fd00:abce::1")))
        #expect(try AddressRange("::1").contains(try self.address("::1")))
        #expect(try !AddressRange("0.0.0.0/0").contains(try self.address("::1")))
        #expect(try !AddressRange("::/0").contains(try self.address("127.0.0.1")))
        #expect(range.description == "fd00:abcd::/32")
    }

    @Test("an IPv4 board seen through a dual-stack listener (::ffff:a.b.c.d) matches its IPv4 range")
    func ipv4MappedIPv6() throws {
        let mapped = try self.address("::ffff:192.168.1.20")
        #expect(mapped.bytes.count == 16)
        #expect(try AddressRange("192.168.1.0/24").contains(mapped))
        #expect(try !AddressRange("10.0.0.0/8").contains(mapped))
    }

    @Test("the address of a socket is its IP without the port")
    func fromSocketAddress() throws {
        let v4 = try #require(IPAddressBytes(try SocketAddress(ipAddress: "127.0.0.5", port: 5050)))
        #expect(v4.bytes == [127, 0, 0, 5])
        let v6 = try #require(IPAddressBytes(try SocketAddress(ipAddress: "::1", port: 5050)))
        #expect(v6.description == "::1")
    }

    @Test("bad ranges are refused with a message that says what is wrong", arguments: [
        ("192.168.1/24", "not an IPv4 or IPv6 address"),
        ("board-7", "not an IPv4 or IPv6 address"),
        ("", "not an IPv4 or IPv6 address"),
        ("10.0.0.0/33", "0…32"),
        ("10.0.0.0/", "0…32"),
        ("10.0.0.0/-1", "0…32"),
        ("fd00::/129", "0…128"),
    ])
    func badRanges(text: String, message: String) {
        #expect {
            _ = try AddressRange(text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
