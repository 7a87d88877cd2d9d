import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Lists the repositories of a GitHub organisation or a GitLab group through their REST APIs,
/// following the pagination each gives (`Link: rel="next"` on GitHub, `X-Next-Page` on GitLab).
public struct RepositoryLister: Sendable {
    public enum Host: String, Sendable {
        case githubOrganization = "github_org"
        case gitlabGroup = "gitlab_group"
    }

    public static let maxPages = 50

    public init() {}

    /// The HTTPS clone URLs of the repositories of `name` (an organisation or a group path).
    public func repositories(host: Host, apiURL: String, name: String, token: String?, timeout: Duration = .seconds(60)) async throws -> [String] {
        let base = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? name
        var next: URL? = switch host {
        case .githubOrganization: URL(string: "\(base)/orgs/\(encoded)/repos?per_page=100&page=1")
        case .gitlabGroup: URL(string: "\(base)/api/v4/groups/\(encoded)/projects?include_subgroups=true&archived=false&per_page=100&page=1")
        }
        var urls: [String] = []
        var pages = 0
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = Double(timeout.components.seconds)
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        while let url = next, pages < Self.maxPages {
            pages += 1
            var request = URLRequest(url: url)
            request.setValue("application/json", forHTTPHeaderField: "Accept")
            if let token, !token.isEmpty {
                switch host {
                case .githubOrganization: request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                case .gitlabGroup: request.setValue(token, forHTTPHeaderField: "PRIVATE-TOKEN")
                }
            }
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw GitError(code: -1, message: "listing \(name): no HTTP answer") }
            guard http.statusCode == 200 else {
                let hint = http.statusCode == 401 || http.statusCode == 403 ? " (check the token and its scopes)" : http.statusCode == 404 ? " (no such \(host == .githubOrganization ? "organisation" : "group"), or the token cannot see it)" : ""
                throw GitError(code: -1, message: "listing the repositories of \(name) failed: HTTP \(http.statusCode)\(hint)")
            }
            guard let items = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                throw GitError(code: -1, message: "listing the repositories of \(name) failed: the answer is not a JSON list")
            }
            for item in items {
                if (item["archived"] as? Bool) == true { continue }
                let key = host == .githubOrganization ? "clone_url" : "http_url_to_repo"
                if let clone = item[key] as? String { urls.append(clone) }
            }
            next = switch host {
            case .githubOrganization: Self.nextLink(http.value(forHTTPHeaderField: "Link"))
            case .gitlabGroup: http.value(forHTTPHeaderField: "X-Next-Page").flatMap { page in
                guard let number = Int(page), var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return nil }
                components.queryItems = (components.queryItems ?? []).filter { $0.name != "page" } + [URLQueryItem(name: "page", value: String(number))]
                return components.url
            }
            }
        }
        return urls
    }

    /// The `rel="next"` target of a GitHub `Link` header.
    static func nextLink(_ header: String?) -> URL? {
        guard let header else { return nil }
        for part in header.split(separator: ",") where part.contains("rel=\"next\"") {
            if let start = part.firstIndex(of: "<"), let end = part.firstIndex(of: ">"), start < end {
                return URL(string: String(part[part.index(after: start)..<end]))
            }
        }
        return nil
    }
}
