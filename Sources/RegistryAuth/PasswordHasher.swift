import HummingbirdBcrypt
import Synchronization

/// bcrypt for passwords and API keys, run as `BlockingWork`: one check costs tens to hundreds of
/// milliseconds of CPU and would stall every other request on the cooperative pool.
public final class PasswordHasher: Sendable {
    let cost: UInt8
    private let verifications = Atomic<Int>(0)

    /// A valid hash of a random string, checked against when an account does not exist so that a
    /// failed login takes as long for an unknown e-mail as for a wrong password.
    public let decoyHash: String

    public init(cost: UInt8) {
        self.cost = cost
        decoyHash = Bcrypt.hash("decoy-\(UInt64.random(in: .min ... .max))", cost: cost)
    }

    /// How many bcrypt verifications ran since start (tests read it).
    public var verificationCount: Int { verifications.load(ordering: .relaxed) }

    public func hash(_ secret: String) async -> String {
        let cost = self.cost
        return await BlockingWork.run { Bcrypt.hash(secret, cost: cost) }
    }

    public func verify(_ secret: String, hash: String) async -> Bool {
        verifications.add(1, ordering: .relaxed)
        return await BlockingWork.run { Bcrypt.verify(secret, hash: hash) }
    }
}
