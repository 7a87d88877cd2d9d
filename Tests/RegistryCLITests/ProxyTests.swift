import Foundation
@testable import RegistryCLI
import Testing
import TestSupport

@Suite("HTTP client: proxy from the environment, no libcurl")
struct ProxyTests {
    let registry = URL(string: "https://registry.corp.example/api/v1/assets")!

    @Test("https_proxy / HTTPS_PROXY for https, http_proxy for http, port 1080 when none is given")
    func chosenByScheme() {
        #expect(Proxy.forURL(registry, environment: ["https_proxy": "http://proxy.corp:3128"]) == Proxy(host: "proxy.corp", port: 3128))
        #expect(Proxy.forURL(registry, environment: ["HTTPS_PROXY": "proxy.corp"]) == Proxy(host: "proxy.corp", port: 1080))
        #expect(Proxy.forURL(registry, environment: ["http_proxy": "http://proxy.corp:3128"]) == nil)
        #expect(Proxy.forURL(URL(string: "http://registry.corp.example/")!, environment: ["http_proxy": "proxy.corp:8080"]) == Proxy(host: "proxy.corp", port: 8080))
        #expect(Proxy.forURL(registry, environment: [:]) == nil)
        #expect(Proxy.forURL(registry, environment: ["https_proxy": ""]) == nil)
    }

    @Test("no_proxy: a name, a domain with or without its dot, *; loopback never goes through a proxy")
    func exceptions() {
        let proxy = ["https_proxy": "http://proxy.corp:3128"]
        for exception in ["registry.corp.example", ".corp.example", "corp.example", "*", "other.org, corp.example"] {
            #expect(Proxy.forURL(registry, environment: proxy.merging(["no_proxy": exception]) { $1 }) == nil, "no_proxy=\(exception)")
        }
        #expect(Proxy.forURL(registry, environment: proxy.merging(["NO_PROXY": "xample"]) { $1 }) != nil)
        #expect(Proxy.forURL(URL(string: "https://127.0.0.1:8443/")!, environment: proxy) == nil)
        #expect(Proxy.forURL(URL(string: "https://localhost/")!, environment: proxy) == nil)
    }

    @Test("the agenthub binary does not link libcurl (FoundationNetworking cost ~11 ms per command)")
    func noLibcurl() async throws {
        let result = try await runProduct("/usr/bin/ldd", [try BuiltProduct.url("agenthub").path])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("libcurl"), "\(result.stdout)")
    }

    @Test("a registry that is not there: a clear error naming the URL, exit 1")
    func unreachable() async throws {
        let home = try TemporaryDirectory()
        let result = try await runProduct("agenthub", ["find", "pdf"], environment: ["HOME": home.url.path, "SKILLS_REGISTRY_URL": "http://127.0.0.1:9"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot reach the registry at http://127.0.0.1:9 (connection refused)"), "\(result.stderr)")
    }

    @Test("a registry URL that is not http(s): refused before any request")
    func notHTTP() async throws {
        let home = try TemporaryDirectory()
        let result = try await runProduct("agenthub", ["find", "pdf"], environment: ["HOME": home.url.path, "SKILLS_REGISTRY_URL": "ftp://registry.example"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("is not an http(s) URL"), "\(result.stderr)")
    }
}
