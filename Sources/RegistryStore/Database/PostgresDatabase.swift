import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// The PostgreSQL backend: a `PostgresClient` connection pool. The client's `run()` loop is owned
/// by this object, started on open and cancelled on close, so every user (server, CLI
/// subcommands, tests) gets the same lifecycle.
public final class PostgresDatabase: Database {
    public let dialect = SQLDialect.postgres
    private let client: PostgresClient
    private let runTask: Task<Void, Never>
    private let logger: Logger
    public let redactedDescription: String
    public let poolSize: Int
    /// How long a statement waits for a pooled connection before it fails as unavailable (the
    /// server sets `DATABASE_ACQUIRE_TIMEOUT_SECONDS`); nil: as long as it takes.
    let acquireTimeout: Duration?

    public static func open(url: PostgresURL, maximumConnections: Int = 10, acquireTimeout: Duration? = nil, logger: Logger) async throws -> PostgresDatabase {
        var configuration = PostgresClient.Configuration(
            host: url.host,
            port: url.port,
            username: url.username,
            password: url.password,
            database: url.database,
            tls: url.tls
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runTask = Task { await client.run() }
        let database = PostgresDatabase(client: client, runTask: runTask, logger: logger, description: url.redacted, poolSize: maximumConnections, acquireTimeout: acquireTimeout)
        do {
            try await database.ping()
        } catch {
            await database.close()
            throw DatabaseError.unavailable("cannot connect to \(url.redacted): \(Self.reason(error))")
        }
        return database
    }

    private init(client: PostgresClient, runTask: Task<Void, Never>, logger: Logger, description: String, poolSize: Int, acquireTimeout: Duration?) {
        self.client = client
        self.poolSize = poolSize
        self.acquireTimeout = acquireTimeout
        self.runTask = runTask
        self.logger = logger
        self.redactedDescription = description
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [DatabaseRow] {
        let query = try Self.makeQuery(sql, binds)
        let logger = logger
        do {
            return try await withPooledConnection { connection in
                try await Self.collect(try await connection.query(query, logger: logger))
            }
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw Self.translate(error)
        }
    }

    private func withPooledConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        guard let acquireTimeout else { return try await client.withConnection(body) }
        let gate = AcquireGate()
        let client = client
        let work = Task {
            try await client.withConnection { connection in
                guard gate.enter() else { throw DatabaseError.unavailable("gave up waiting for a connection") }
                return try await body(connection)
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            let once = ResumeOnce(continuation)
            let timer = Task {
                try? await Task.sleep(for: acquireTimeout)
                if !Task.isCancelled, gate.abandonIfWaiting() {
                    once.resume(.failure(DatabaseError.unavailable("no PostgreSQL connection within \(acquireTimeout)")))
                }
            }
            Task {
                let result = await work.result
                // Every statement starts a timer: it ends with the statement, not 30 s later.
                timer.cancel()
                once.resume(result)
            }
        }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any DatabaseExecutor) async throws -> T) async throws -> T {
        do {
            let logger = logger
            return try await withPooledConnection { connection in
                let executor = PostgresConnectionExecutor(connection: connection, logger: logger)
                try await executor.execute("BEGIN")
                do {
                    let result = try await body(executor)
                    try await executor.execute("COMMIT")
                    return result
                } catch {
                    do {
                        try await executor.execute("ROLLBACK")
                    } catch let rollbackError {
                        logger.error("rollback failed", metadata: ["error": "\(String(reflecting: rollbackError))"])
                    }
                    throw error
                }
            }
        } catch let error as DatabaseError {
            throw error
        } catch let error as PSQLError {
            throw Self.translate(error)
        }
    }

    public func ping() async throws {
        _ = try await query("SELECT 1 AS one", [])
    }

    public func close() async {
        runTask.cancel()
        await runTask.value
    }

    // MARK: - Conversion

    /// Numbers the `?` placeholders as `$1, $2, …`, leaving quoted text, identifiers and comments alone.
    public static func numberPlaceholders(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.count + 16)
        var index = 0
        var quote: Character?
        var inLineComment = false
        var previous: Character?
        for character in sql {
            if inLineComment {
                if character == "\n" { inLineComment = false }
            } else if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "-", previous == "-" {
                inLineComment = true
            } else if character == "?" {
                index += 1
                output += "$\(index)"
                previous = character
                continue
            }
            output.append(character)
            previous = character
        }
        return output
    }

    static func makeQuery(_ sql: String, _ binds: [SQLValue]) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .null: bindings.appendNull()
            case .int(let value): bindings.append(value)
            case .double(let value): bindings.append(value)
            case .text(let value): bindings.append(value)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            case .bool(let value): bindings.append(value)
            case .date(let date): bindings.append(date)
            }
        }
        return PostgresQuery(unsafeSQL: numberPlaceholders(sql), binds: bindings)
    }

    static func collect(_ rows: PostgresRowSequence) async throws -> [DatabaseRow] {
        var result: [DatabaseRow] = []
        for try await row in rows {
            var values: [String: SQLValue] = [:]
            for cell in row {
                values[cell.columnName] = try decode(cell)
            }
            result.append(DatabaseRow(values: values))
        }
        return result
    }

    static func decode(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8:
            return .int(try cell.decode(Int64.self))
        case .bool:
            return .bool(try cell.decode(Bool.self))
        case .float4, .float8:
            return .double(try cell.decode(Double.self))
        case .timestamptz, .timestamp, .date:
            return .date(try cell.decode(Date.self))
        case .bytea:
            var buffer = try cell.decode(ByteBuffer.self)
            return .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        default:
            return .text(try cell.decode(String.self))
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.description }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)"
        }
        return String(describing: error)
    }

    static func translate(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError else { return error }
        guard let info = error.serverInfo, let state = info[.sqlState] else {
            return DatabaseError.unavailable("PostgreSQL: \(error.code)")
        }
        switch state {
        case "23505": return DatabaseError.uniqueViolation(constraint: info[.constraintName])
        case "23503": return DatabaseError.foreignKeyViolation
        case "23502", "23514": return DatabaseError.constraintViolation(info[.message] ?? state)
        case "22021", "22P05": return DatabaseError.unstorableText(info[.message] ?? state)
        case _ where state.hasPrefix("08") || state.hasPrefix("57"):
            return DatabaseError.unavailable("PostgreSQL \(state): \(info[.message] ?? "")")
        default:
            return DatabaseError.backend("PostgreSQL \(state): \(info[.message] ?? "")")
        }
    }
}

/// Whether a request for a connection is still waiting, got one, or was given up.
final class AcquireGate: @unchecked Sendable {
    private enum State { case waiting, entered, abandoned }
    private let lock = NSLock()
    private var state = State.waiting

    /// True when the caller may use the connection (it was not given up).
    func enter() -> Bool {
        lock.withLock {
            guard state == .waiting else { return false }
            state = .entered
            return true
        }
    }

    /// True when the request was still waiting and is now given up.
    func abandonIfWaiting() -> Bool {
        lock.withLock {
            guard state == .waiting else { return false }
            state = .abandoned
            return true
        }
    }
}

/// Resumes a continuation once, whoever comes first.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?

    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = continuation }

    func resume(_ result: Result<T, any Error>) {
        let continuation = lock.withLock { () -> CheckedContinuation<T, any Error>? in
            defer { self.continuation = nil }
            return self.continuation
        }
        continuation?.resume(with: result)
    }
}

/// One pooled connection inside a transaction.
struct PostgresConnectionExecutor: DatabaseExecutor {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [DatabaseRow] {
        let query = try PostgresDatabase.makeQuery(sql, binds)
        do {
            let rows = try await connection.query(query, logger: logger)
            return try await PostgresDatabase.collect(rows)
        } catch {
            throw PostgresDatabase.translate(error)
        }
    }
}
