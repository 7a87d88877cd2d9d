import Foundation

/// The HTTP proxy for a URL, from the environment as curl reads it: `https_proxy` for https,
/// `http_proxy` for http (either case), none for a host `no_proxy` names (a name, a domain
/// suffix such as `.corp` or `corp`, or `*`) and never for loopback addresses.
struct Proxy: Hashable {
    let host: String
    let port: Int

    static func forURL(_ url: URL, environment: [String: String]) -> Proxy? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
        func variable(_ name: String) -> String? {
            (environment[name] ?? environment[name.uppercased()]).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let value = variable(scheme == "https" ? "https_proxy" : "http_proxy") else { return nil }
        if ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host) { return nil }
        let exceptions = (variable("no_proxy") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for exception in exceptions where !exception.isEmpty {
            if exception == "*" { return nil }
            let domain = exception.hasPrefix(".") ? String(exception.dropFirst()) : exception
            if host == domain || host.hasSuffix("." + domain) { return nil }
        }
        // "host:port" or "http://host:port/"; the port defaults to 1080 as curl's does.
        let text = value.contains("://") ? value : "http://" + value
        guard let proxy = URLComponents(string: text), let proxyHost = proxy.host, !proxyHost.isEmpty else { return nil }
        return Proxy(host: proxyHost, port: proxy.port ?? 1080)
    }
}
