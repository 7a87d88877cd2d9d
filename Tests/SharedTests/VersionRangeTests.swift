import Shared
import Testing

@Suite("Version ranges")
struct VersionRangeTests {
    static let published = ["0.1.0", "0.1.5", "0.2.0", "1.0.0", "1.2.0", "1.2.7", "1.3.0", "1.10.1", "2.0.0-beta.1", "2.0.0", "2.1.0"].compactMap(SemanticVersion.init)

    @Test("each form picks the highest version it admits", arguments: [
        ("1.2.0", "1.2.0"), ("^1.2", "1.10.1"), ("^1.2.7", "1.10.1"), ("~1.2", "1.2.7"), ("~1", "1.10.1"),
        ("1", "1.10.1"), ("1.2", "1.2.7"), ("1.x", "1.10.1"), ("1.2.*", "1.2.7"), ("*", "2.1.0"), ("latest", "2.1.0"),
        (">=1.2 <2", "1.10.1"), (">1.0.0 <=1.2.7", "1.2.7"), ("<1", "0.2.0"), ("^0.1", "0.1.5"), ("^0.1.0", "0.1.5"),
        (">=2.0.0-beta.1 <2.0.0", "2.0.0-beta.1"), ("2.0.0-beta.1", "2.0.0-beta.1"), ("v1.3.0", "1.3.0"),
    ])
    func best(range: String, expected: String) throws {
        let parsed = try #require(VersionRange(range), "\(range) parses")
        #expect(parsed.best(of: Self.published)?.description == expected)
    }

    @Test("pre-releases are only picked when the range names one")
    func prereleases() throws {
        let range = try #require(VersionRange(">=1.0.0"))
        #expect(!range.contains(SemanticVersion("2.0.0-beta.1")!))
        #expect(try #require(VersionRange("^1.2")).best(of: [SemanticVersion("1.9.0-rc.1")!]) == nil)
    }

    @Test("an exact version is marked as one; a range that admits nothing gives no version")
    func exactAndEmpty() throws {
        #expect(VersionRange("1.2.7")?.exact == SemanticVersion("1.2.7"))
        #expect(VersionRange("^1.2")?.exact == nil)
        #expect(try #require(VersionRange("^3")).best(of: Self.published) == nil)
    }

    @Test("text that is not a range is refused", arguments: ["", "abc", "^", "^1.2 <3", "1.2.3.4", ">=", "1.x.3", "x.1", "1..2", "~>1.2", "1.2 1.3", String(repeating: "1", count: 200)])
    func refused(text: String) {
        #expect(VersionRange(text) == nil)
    }
}
