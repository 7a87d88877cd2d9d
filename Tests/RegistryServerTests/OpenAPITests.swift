import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import RegistryServer

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("every route is documented and every documented route exists")
    func routesMatchDocument() async throws {
        try await TestApp.run(.sqlite) { (app: TestApp) async throws in
            let router = buildRouter(app.services)
            let routed = Set(router.routes.filter { $0.method != .head }.map { route in
                let path = route.path.components.map { element -> String in
                    let text = element.description
                    return text.hasPrefix(":") ? "{\(text.dropFirst())}" : text
                }.joined(separator: "/")
                return "\(route.method.rawValue.lowercased()) /\(path)"
            })
            let documented = Set(OpenAPIDocument.operations.map { "\($0.method) \($0.path)" })
            #expect(routed.subtracting(documented).isEmpty, "routes missing from the document: \(routed.subtracting(documented).sorted())")
            #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
            #expect(routed.count > 50)

            let served = try await app.request(.get, "/openapi.json")
            #expect(served.status == .ok)
            #expect(served.json["openapi"] as? String == "3.1.0")
            let paths = try #require(served.json["paths"] as? [String: [String: Any]])
            #expect(paths.values.reduce(0) { $0 + $1.count } == documented.count)
            // Every $ref points at a defined schema.
            let schemas = try #require((served.json["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let refs = served.text.matches(of: /"\$ref":"#\/components\/schemas\/([A-Za-z]+)"/).map { String($0.1) }
            #expect(!refs.isEmpty)
            #expect(Set(refs).subtracting(schemas.keys).isEmpty)
        }
    }
}
