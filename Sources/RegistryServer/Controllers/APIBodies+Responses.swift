import RegistryStore
import Shared
import Hummingbird

extension UserResponse {
    init(_ user: User) {
        self.init(id: user.id, username: user.username, displayName: user.displayName, email: user.email, role: user.role, isActive: user.isActive, createdAt: user.createdAt)
    }
}

extension APIKeyInfo {
    init(_ record: APIKeyRecord) {
        self.init(id: record.id, name: record.name, prefix: record.lookupPrefix, createdAt: record.createdAt, lastUsedAt: record.lastUsedAt)
    }
}

extension UserResponse: ResponseEncodable {}
extension AuthResponse: ResponseEncodable {}
extension APIKeyResponse: ResponseEncodable {}
extension CreatedAPIKey: ResponseEncodable {}
extension Page: ResponseEncodable {}
extension AssetSummary: ResponseEncodable {}
extension AssetDetail: ResponseEncodable {}
extension VersionDetail: ResponseEncodable {}
extension PublishResponse: ResponseEncodable {}
