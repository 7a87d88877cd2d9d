import Shared

/// One documented route. `OpenAPIDocument.operations` lists every route the router serves; a test
/// compares the two lists, so a route cannot be added without documenting it.
struct OpenAPIOperation: Sendable {
    enum Access: String, Sendable {
        case anyone, optional, user, admin
    }

    struct Parameter: Sendable {
        let name: String
        let location: String
        let schema: JSONValue
        let required: Bool
        let description: String
    }

    let method: String
    let path: String
    let summary: String
    let tag: String
    let access: Access
    var parameters: [Parameter] = []
    /// Media type -> schema.
    var body: [(String, JSONValue)] = []
    /// Status -> (description, schema or nil for no body).
    var responses: [(String, String, JSONValue?)]

    static func query(_ name: String, _ schema: JSONValue, _ description: String) -> Parameter {
        Parameter(name: name, location: "query", schema: schema, required: false, description: description)
    }

    static func path(_ name: String, _ schema: JSONValue = OpenAPISchemas.string, _ description: String = "") -> Parameter {
        Parameter(name: name, location: "path", schema: schema, required: true, description: description)
    }

    static let page = query("page", .object(["type": .string("integer"), "minimum": .number(1), "default": .number(1)]), "Page number, from 1.")
    static let size = query("size", .object(["type": .string("integer"), "minimum": .number(1), "maximum": .number(100), "default": .number(20)]), "Items per page.")
}
