import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP socket on loopback, for the tests: a board's lines, or a browser's request
/// read byte for byte (no HTTP client library between the test and what the server sent).
/// Every read has a timeout, so no test can hang on it.
final class RawSocket {
    let descriptor: Int32

    /// `receiveBuffer` shrinks the kernel's buffer (before connecting), for a browser that reads slowly.
    init(port: Int, receiveBuffer: Int32? = nil, timeout: Double = 5) throws {
        self.descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard self.descriptor >= 0 else { throw POSIXError(.EMFILE) }
        if var size = receiveBuffer {
            setsockopt(self.descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(self.descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(self.descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED)
        }
    }

    deinit { close(self.descriptor) }

    func send(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { Glibc.send(self.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            bytes = bytes.dropFirst(sent)
        }
    }

    /// Reads until `done` says the text so far is enough, the peer closes, a read times out or
    /// `seconds` have passed.
    func read(until done: (String) -> Bool = { _ in false }, limit: Int = 64 << 20, seconds: Double = 10) -> String {
        var data = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let deadline = Date().addingTimeInterval(seconds)
        while data.count < limit && Date() < deadline {
            let count = chunk.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            data += chunk[..<count]
            if done(String(decoding: data, as: UTF8.self)) { break }
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// One HTTP/1.1 request with `Connection: close`, answered in full.
struct HTTPReply {
    var status: Int
    var headers: [String: String]
    var body: String

    static func get(_ path: String, port: Int, method: String = "GET") throws -> HTTPReply {
        let socket = try RawSocket(port: port)
        socket.send("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let text = socket.read()
        guard let split = text.range(of: "\r\n\r\n") else { throw POSIXError(.EBADMSG) }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPReply(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    var json: Any? { try? JSONSerialization.jsonObject(with: Data(self.body.utf8)) }
}
