import Shared
import Testing

@Suite("Account validation")
struct AccountValidationTests {
    @Test("user names", arguments: [
        ("alice", true), ("a.b-c_d9", true), ("Al", false), ("9lives", true), ("-dash", false),
        ("has space", false), ("émile", false), (String(repeating: "x", count: 65), false), ("", false),
    ])
    func usernames(name: String, ok: Bool) {
        #expect((AccountValidation.usernameProblem(name) == nil) == ok, "\(name)")
    }

    @Test("e-mail addresses", arguments: [
        ("a@example.com", true), ("first.last+tag@sub.example.org", true), ("no-at.example.com", false),
        ("a@b", false), ("a@@example.com", false), ("@example.com", false), ("a b@example.com", false),
        ("a@example..com", false), ("<a>@example.com", false),
    ])
    func emails(email: String, ok: Bool) {
        #expect((AccountValidation.emailProblem(email) == nil) == ok, "\(email)")
    }

    @Test("passwords: at least 8 characters, at most 72 bytes, no NUL")
    func passwords() {
        #expect(AccountValidation.passwordProblem("12345678") == nil)
        #expect(AccountValidation.passwordProblem("1234567")?.contains("at least 8") == true)
        #expect(AccountValidation.passwordProblem(String(repeating: "a", count: 72)) == nil)
        #expect(AccountValidation.passwordProblem(String(repeating: "a", count: 73))?.contains("72 bytes") == true)
        // 40 characters but 80 bytes in UTF-8: bcrypt would silently cut it.
        #expect(AccountValidation.passwordProblem(String(repeating: "é", count: 40))?.contains("72 bytes") == true)
        #expect(AccountValidation.passwordProblem("abcdefgh\u{0}ij")?.contains("NUL") == true)
    }

    @Test("SHA-256 hex")
    func sha256() {
        #expect(SHA256Hex.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("page envelope counts pages")
    func pages() {
        #expect(Page<Int>(items: [], total: 0, page: 1, size: 20).pages == 0)
        #expect(Page<Int>(items: [1], total: 41, page: 1, size: 20).pages == 3)
        #expect(PageRequest(page: 3, size: 20).offset == 40)
    }
}
