import PacketCapture

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Giving up root once the capture handle is open (as `tcpdump -Z` does).
///
/// Capturing needs root (or CAP_NET_RAW) only to open the socket; reading packets, decoding
/// bytes a stranger sent and writing files need none. So `capture` opens the handle, installs the
/// filter, then becomes an ordinary user before it reads a packet or creates the `-w` file:
/// the user who ran sudo (`SUDO_UID`/`SUDO_GID`), or the one named by `--user`.
struct PrivilegeDrop {
    /// The account to become.
    struct Account: Equatable {
        var name: String
        var uid: uid_t
        var gid: gid_t
    }

    enum Failure: Error, CustomStringConvertible {
        case noSuchUser(String)
        case notRoot(requested: String)
        case badSudoEnvironment(String)
        case systemCall(String, errno: Int32)
        case couldRegainRoot

        var description: String {
            switch self {
            case .noSuchUser(let name):
                return "--user \(name): there is no user named '\(name)' on this system (see /etc/passwd)."
            case .notRoot(let name):
                return "--user \(name) needs tcplab to be started as root (sudo tcplab capture --user \(name) ...); "
                    + "it can only give privileges up, not take another user's."
            case .badSudoEnvironment(let detail):
                return "cannot drop privileges to the sudo user: \(detail)"
            case .systemCall(let call, let code):
                return "cannot drop privileges: \(call) failed: \(String(cString: strerror(code)))"
            case .couldRegainRoot:
                return "dropped privileges but setuid(0) still succeeded; refusing to go on as a process that can regain root."
            }
        }
    }

    /// What `plan` decided, for the CLI to say and do.
    enum Plan: Equatable {
        /// Become this account.
        case become(Account)
        /// Root with nobody to become: go on as root, and say so.
        case stayRoot
        /// Not root: no user to change; capabilities from setcap, if any, are cleared (docs/capture.md).
        case unprivileged
    }

    /// Decides whom to become; call it before opening anything, so a bad `--user` fails early.
    static func plan(user: String?, environment: [String: String], effectiveUID: uid_t = geteuid()) throws -> Plan {
        if let user {
            guard let account = lookUp(name: user) else { throw Failure.noSuchUser(user) }
            if effectiveUID != 0 {
                if account.uid == effectiveUID { return .unprivileged }
                throw Failure.notRoot(requested: user)
            }
            return account.uid == 0 ? .stayRoot : .become(account)
        }
        guard effectiveUID == 0 else { return .unprivileged }
        guard let uidText = environment["SUDO_UID"] else { return .stayRoot }
        guard let uid = uid_t(uidText) else { throw Failure.badSudoEnvironment("SUDO_UID='\(uidText)' is not a number") }
        if uid == 0 { return .stayRoot }   // sudo from root: there is no one else to become
        let gidText = environment["SUDO_GID"] ?? ""
        let known = lookUp(uid: uid)
        guard let gid = gid_t(gidText) ?? known?.gid else {
            throw Failure.badSudoEnvironment("SUDO_GID='\(gidText)' is not a number")
        }
        let name = known?.name ?? environment["SUDO_USER"] ?? "uid \(uid)"
        return .become(Account(name: name, uid: uid, gid: gid))
    }

    /// Does what `plan` decided, once the capture handle is open; returns the line to tell the
    /// user (which user it now runs as), if any. Shared by every command that opens a capture.
    static func carryOut(_ plan: Plan) throws -> String? {
        switch plan {
        case .become(let account):
            try become(account)
            return "capture open; now running as user \(account.name) (uid \(account.uid), gid \(account.gid)), root given up"
        case .stayRoot:
            return "running as root (not started with sudo, no --user): root is kept for the whole capture; "
                + "--user NAME gives it up once the capture is open"
        case .unprivileged:
            // Started without root from a binary given capabilities by setcap: they too are only
            // needed to open the handle.
            guard CaptureCapabilities.held else { return nil }
            try CaptureCapabilities.giveUp()
            return "capture open; capabilities (cap_net_raw, cap_net_admin) given up"
        }
    }

    /// Becomes `account` for good: supplementary groups, then group, then user (in that order,
    /// since only root may change groups), and checks that root cannot be taken back.
    static func become(_ account: Account) throws {
        // The account's own supplementary groups when it has a passwd entry, else just its group.
        if lookUp(uid: account.uid)?.name == account.name {
            guard initgroups(account.name, account.gid) == 0 else { throw Failure.systemCall("initgroups", errno: errno) }
        } else {
            var groups = [account.gid]
            guard setgroups(1, &groups) == 0 else { throw Failure.systemCall("setgroups", errno: errno) }
        }
        // Called by root, setgid and setuid set the real, effective and saved IDs alike, so there
        // is nothing left to switch back to (glibc hides setresuid without _GNU_SOURCE).
        guard setgid(account.gid) == 0 else { throw Failure.systemCall("setgid(\(account.gid))", errno: errno) }
        guard setuid(account.uid) == 0 else { throw Failure.systemCall("setuid(\(account.uid))", errno: errno) }
        if setuid(0) == 0 || seteuid(0) == 0 || getuid() != account.uid || geteuid() != account.uid
            || getegid() != account.gid {
            throw Failure.couldRegainRoot
        }
    }

    static func lookUp(name: String) -> Account? {
        guard let entry = getpwnam(name) else { return nil }
        return Account(name: String(cString: entry.pointee.pw_name), uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    static func lookUp(uid: uid_t) -> Account? {
        guard let entry = getpwuid(uid) else { return nil }
        return Account(name: String(cString: entry.pointee.pw_name), uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }
}
