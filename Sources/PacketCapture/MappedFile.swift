#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes in memory, for reading a saved capture without a system call or a copy per
/// record: a regular file is mapped (the kernel reads ahead), anything else (a pipe, a terminal)
/// is read whole into a buffer. `bytes` lives as long as the object.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer
    private let isMapped: Bool

    /// "-" is the standard input, as for tcpdump -r. Throws `cannotOpenFile` with the system's reason.
    init(path: String) throws {
        func failure(_ detail: String) -> CaptureError { .cannotOpenFile(path: path, detail: detail) }
        let isStandardInput = path == "-"
        let descriptor = isStandardInput ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(String(cString: strerror(errno))) }
        defer { if !isStandardInput { close(descriptor) } }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure(String(cString: strerror(errno))) }
        if info.st_mode & S_IFMT == S_IFDIR { throw failure("it is a folder, not a file") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            bytes = try Self.readWhole(descriptor, failure: failure)
            isMapped = false
            return
        }
        let size = Int(info.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            isMapped = false
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw failure("cannot map it into memory: " + String(cString: strerror(errno)))
        }
        _ = madvise(address, size, MADV_SEQUENTIAL)   // read ahead, drop pages behind
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        isMapped = true
    }

    /// Where the pages already given back end.
    private var releasedUpTo = 0
    private static let releaseStep = 8 << 20

    /// Gives back the pages before `offset` (read and done with), every 8 MiB: the kernel keeps
    /// a mapped file's pages in the process's memory once touched, so without this a capture read
    /// to its end would count whole in its memory. A page touched again is read in again.
    func release(before offset: Int) {
        guard isMapped, offset - releasedUpTo >= Self.releaseStep, let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = offset / page * page
        _ = madvise(UnsafeMutableRawPointer(mutating: base + releasedUpTo), end - releasedUpTo, MADV_DONTNEED)
        releasedUpTo = end
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else {
            free(UnsafeMutableRawPointer(mutating: base))
        }
    }

    /// A stream that cannot be mapped, read to its end in large pieces.
    private static func readWhole(_ descriptor: Int32, failure: (String) -> CaptureError) throws -> UnsafeRawBufferPointer {
        var capacity = 1 << 20
        var count = 0
        guard var buffer = malloc(capacity) else { throw failure("out of memory") }
        while true {
            if count == capacity {
                capacity *= 2
                guard let grown = realloc(buffer, capacity) else {
                    free(buffer)
                    throw failure("out of memory")
                }
                buffer = grown
            }
            let got = read(descriptor, buffer + count, capacity - count)
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                let detail = String(cString: strerror(errno))
                free(buffer)
                throw failure(detail)
            }
            count += got
        }
        return UnsafeRawBufferPointer(start: buffer, count: count)
    }
}
