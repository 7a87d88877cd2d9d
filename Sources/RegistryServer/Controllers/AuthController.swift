import Foundation
import Hummingbird
import RegistryAuth
import RegistryStore
import Shared

/// `/api/v1/auth`: register, login, and the AgentHub client's `POST /auth/api-key`.
struct AuthController {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("register", use: register)
        group.post("login", use: login)
        group.post("api-key", use: legacyAPIKey)
    }

    /// Creates an account and returns it with a login token and its first API key (shown once).
    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AuthResponse> {
        guard services.configuration.registrationEnabled else {
            throw APIError.forbidden("registration is closed on this registry; ask an administrator for an account")
        }
        try limitRegistrations(context)
        var body = try await APIJSON.decode(RegisterRequest.self, from: request, limit: services.configuration.maxBodyBytes)
        body.username = body.username.trimmingCharacters(in: .whitespaces)
        body.email = body.email.trimmingCharacters(in: .whitespaces)
        body.displayName = body.displayName?.trimmingCharacters(in: .whitespaces)
        try validateAccount(username: body.username, email: body.email)
        if let problem = AccountValidation.passwordProblem(body.password) { throw APIError.unprocessable(problem) }
        if let name = body.displayName, name.count > 128 { throw APIError.unprocessable("display_name must be at most 128 characters") }

        let passwordHash = await services.hasher.hash(body.password)
        let key = await services.apiKeys.prepare()
        let new = NewUser(username: body.username, email: body.email, displayName: body.displayName, passwordHash: passwordHash)
        let user = try await createAccount(new, key: key, action: "auth.register", context: context)
        let token = try await services.tokens.issue(userId: user.id)
        let response = AuthResponse(user: UserResponse(user), apiKey: key.key, token: token, message: "Registration successful. Store the API key now: it will not be shown again.")
        return EditedResponse(status: .created, response: response)
    }

    /// Checks e-mail and password and returns a login token. Rate limited per client and account.
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> AuthResponse {
        let body = try await APIJSON.decode(LoginRequest.self, from: request, limit: services.configuration.maxBodyBytes)
        let email = body.email.trimmingCharacters(in: .whitespaces)
        guard !email.isEmpty, !body.password.isEmpty else { throw APIError.unprocessable("email and password are required") }
        guard email.utf8.count <= AccountValidation.maxEmailLength, body.password.utf8.count <= 1024 else {
            throw APIError.unprocessable("email or password is too long")
        }
        let accountKey = "account:\(email.lowercased())"
        if let wait = services.loginLimiter.attempt(["client:\(context.clientAddress ?? "unknown")", accountKey]) {
            let seconds = max(1, Int(wait.components.seconds) + 1)
            try await services.registry.audit.record(context.auditEvent("auth.login_rate_limited", detail: ["email": email]))
            throw APIError(.tooManyRequests, "too many login attempts; try again in \(seconds) seconds", headers: [.retryAfter: String(seconds)])
        }
        let user = try await services.registry.users.find(email: email)
        let passwordMatches: Bool
        if let user, let hash = user.passwordHash, body.password.utf8.count <= AccountValidation.maxPasswordBytes {
            passwordMatches = await services.hasher.verify(body.password, hash: hash)
        } else {
            // Same cost as a real check, so timing does not tell which e-mails exist.
            _ = await services.hasher.verify(body.password, hash: services.hasher.decoyHash)
            passwordMatches = false
        }
        guard let user, passwordMatches else {
            try await services.registry.audit.record(context.auditEvent("auth.login_failed", targetType: user == nil ? nil : "user", targetId: user.map { String($0.id) }, detail: ["email": email]))
            throw APIError.unauthorized("incorrect email or password")
        }
        guard user.isActive else {
            try await services.registry.audit.record(context.auditEvent("auth.login_refused", targetType: "user", targetId: String(user.id), detail: ["reason": "account disabled"]))
            throw APIError.forbidden("this account is disabled; ask an administrator to enable it")
        }
        services.loginLimiter.reset(accountKey)
        try await services.registry.transaction { stores in
            try await stores.users.recordLogin(id: user.id)
            var event = context.auditEvent("auth.login", targetType: "user", targetId: String(user.id))
            event.actorUserId = user.id
            event.actor = "user:\(user.id)"
            try await stores.audit.record(event)
        }
        let token = try await services.tokens.issue(userId: user.id)
        return AuthResponse(user: UserResponse(user), apiKey: nil, token: token, message: "Login successful")
    }

    /// Accounts per client address (`REGISTER_RATE_LIMIT`): 429 with `Retry-After` beyond it.
    private func limitRegistrations(_ context: AppRequestContext) throws {
        if let wait = services.registerLimiter.attempt(["client:\(context.clientAddress ?? "unknown")"]) {
            let seconds = max(1, Int(wait.components.seconds) + 1)
            throw APIError(.tooManyRequests, "too many new accounts from this address; try again in \(seconds) seconds", headers: [.retryAfter: String(seconds)])
        }
    }

    /// AgentHub's `POST /auth/api-key`: with credentials, a new key for the caller; without, the
    /// old client's password-less sign-up `{username, email}` (never a key for an existing account).
    @Sendable func legacyAPIKey(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<APIKeyResponse> {
        if let identity = context.identity {
            guard identity.method != .adminKey else {
                throw APIError.forbidden("the ADMIN_API_KEY cannot create keys; log in as a user")
            }
            let key = await services.apiKeys.prepare()
            try await services.registry.transaction { stores in
                let record = try await services.apiKeys.store(key, userId: identity.user.id, name: "api-key", isLegacy: true, in: stores)
                try await stores.audit.record(context.auditEvent("api_key.create", targetType: "api_key", targetId: String(record.id), detail: ["name": record.name, "prefix": record.lookupPrefix]))
            }
            return EditedResponse(status: .created, response: APIKeyResponse(apiKey: key.key))
        }
        guard services.configuration.registrationEnabled else {
            throw APIError.unauthorized("authentication required: registration is closed, so log in or send an API key")
        }
        try limitRegistrations(context)
        var body = try await APIJSON.decode(LegacyAPIKeyRequest.self, from: request, limit: services.configuration.maxBodyBytes)
        body.username = body.username.trimmingCharacters(in: .whitespaces)
        body.email = body.email.trimmingCharacters(in: .whitespaces)
        try validateAccount(username: body.username, email: body.email)
        let key = await services.apiKeys.prepare()
        _ = try await createAccount(NewUser(username: body.username, email: body.email, passwordHash: nil), key: key, action: "auth.register_passwordless", context: context)
        return EditedResponse(status: .created, response: APIKeyResponse(apiKey: key.key))
    }

    private func validateAccount(username: String, email: String) throws {
        if let problem = AccountValidation.usernameProblem(username) { throw APIError.unprocessable(problem) }
        if let problem = AccountValidation.emailProblem(email) { throw APIError.unprocessable(problem) }
    }

    /// The user, their first key and the audit entry, in one transaction.
    private func createAccount(_ new: NewUser, key: APIKeyService.PreparedKey, action: String, context: AppRequestContext) async throws -> User {
        do {
            return try await services.registry.transaction { stores in
                let user = try await stores.users.create(new)
                let record = try await services.apiKeys.store(key, userId: user.id, name: "default", isLegacy: true, in: stores)
                var event = context.auditEvent(action, targetType: "user", targetId: String(user.id), detail: ["username": user.username, "key_prefix": record.lookupPrefix])
                event.actorUserId = user.id
                event.actor = "user:\(user.id)"
                try await stores.audit.record(event)
                return user
            }
        } catch UserStore.Failure.usernameTaken {
            throw APIError.conflict("username '\(new.username)' is already taken (names are compared without case); choose another")
        } catch UserStore.Failure.emailTaken {
            throw APIError.conflict("an account with this email already exists; log in instead")
        }
    }
}
