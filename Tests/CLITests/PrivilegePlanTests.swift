import Testing
@testable import tcplab

/// Whom `capture` decides to become, from its arguments, environment and effective user — the
/// decision alone, which needs no root to test.
@Suite("Capture: whom to become")
struct PrivilegePlanTests {
    @Test func sudoUserIsBecome() throws {
        let plan = try PrivilegeDrop.plan(user: nil, environment: ["SUDO_UID": "4242", "SUDO_GID": "4343", "SUDO_USER": "ada"],
                                          effectiveUID: 0)
        guard case .become(let account) = plan else { Issue.record("expected to become the sudo user, got \(plan)"); return }
        #expect(account.uid == 4242 && account.gid == 4343)
    }

    @Test func rootWithoutSudoOrUserStaysRoot() throws {
        #expect(try PrivilegeDrop.plan(user: nil, environment: [:], effectiveUID: 0) == .stayRoot)
        // sudo run by root itself: nobody else to become.
        #expect(try PrivilegeDrop.plan(user: nil, environment: ["SUDO_UID": "0", "SUDO_GID": "0"], effectiveUID: 0) == .stayRoot)
    }

    @Test func ordinaryUserHasNothingToDrop() throws {
        // SUDO_* from an outer sudo mean nothing once we are not root.
        #expect(try PrivilegeDrop.plan(user: nil, environment: ["SUDO_UID": "4242"], effectiveUID: 4242) == .unprivileged)
    }

    @Test func userOptionWinsOverSudo() throws {
        let nobody = try #require(PrivilegeDrop.lookUp(name: "nobody"))
        #expect(try PrivilegeDrop.plan(user: "nobody", environment: ["SUDO_UID": "4242"], effectiveUID: 0) == .become(nobody))
        #expect(try PrivilegeDrop.plan(user: "root", environment: [:], effectiveUID: 0) == .stayRoot)
    }

    @Test func refusals() {
        #expect(throws: PrivilegeDrop.Failure.self) {
            try PrivilegeDrop.plan(user: "nosuchuser", environment: [:], effectiveUID: 0)
        }
        // Only root can become someone else.
        #expect(throws: PrivilegeDrop.Failure.self) {
            try PrivilegeDrop.plan(user: "nobody", environment: [:], effectiveUID: 4242)
        }
        #expect(throws: PrivilegeDrop.Failure.self) {
            try PrivilegeDrop.plan(user: nil, environment: ["SUDO_UID": "ada"], effectiveUID: 0)
        }
    }
}
