import Foundation
import Models

/// Answers kept in PostgreSQL, for runs on many machines (SQLite's WAL mode does not work over a
/// network filesystem): the same keys, modes and claims as ``ResponseCache``.
///
/// ```swift
/// let cache = try PostgresResponseCache(url: "postgresql://runner@db.cluster:5432/evals")
/// ```
///
/// The password never appears in the URL: libpq reads `PGPASSWORD` (or `~/.pgpass`), or
/// `passwordVariable` names another environment variable. Claim leases run on the server's
/// clock, so machines whose clocks differ agree on when a claim lapses.
public final class PostgresResponseCache: Sendable {
    public let mode: CacheMode
    public let owner: ClaimOwner
    public let claimLease: Double
    public let location: String
    let connection: PostgresConnection

    /// Connects and creates the tables when they are missing.
    ///
    /// - Throws: ``CacheStoreError`` for a URL that is not `postgresql://...`, a URL with a
    ///   password, a missing libpq, or a server that cannot be reached, naming the URL.
    public init(url: String, mode: CacheMode = .use, passwordVariable: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, claimLease: Double = 60) throws(CacheStoreError) {
        guard var components = URLComponents(string: url), components.scheme == "postgresql" || components.scheme == "postgres",
              components.host?.isEmpty == false else {
            throw CacheStoreError("not a PostgreSQL URL", at: "response.cache.url",
                                  hint: "write postgresql://USER@HOST:PORT/DATABASE")
        }
        guard components.password == nil else {
            throw CacheStoreError("the URL must not hold a password: the config is written to every run folder",
                                  at: "response.cache.url", hint: "remove it from the URL and set PGPASSWORD (or name a variable with response.cache.password_env)")
        }
        self.mode = mode
        self.owner = ClaimOwner.current()
        self.claimLease = claimLease
        self.location = url
        var query = components.queryItems ?? []
        if !query.contains(where: { $0.name == "connect_timeout" }) { query.append(URLQueryItem(name: "connect_timeout", value: "10")) }
        if let variable = passwordVariable, !variable.isEmpty {
            guard let password = environment[variable], !password.isEmpty else {
                throw CacheStoreError("the variable \(variable) is not set", at: "response.cache.password_env",
                                      hint: "export \(variable)=... before the run, or leave password_env unset to use PGPASSWORD or ~/.pgpass")
            }
            query.append(URLQueryItem(name: "password", value: password))
        }
        components.queryItems = query
        // `+` in a query value means a space to libpq's URI parser only when percent-encoded.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        do {
            connection = try PostgresConnection(conninfo: components.string ?? url)
        } catch {
            throw CacheStoreError("\(error.message) (\(url))", at: error.keyPath, hint: error.hint)
        }
        // libpq prints the server's notices ("relation already exists, skipping") on stderr.
        try connection.execute("SET client_min_messages TO warning")
        // Two processes creating the tables at once would collide in the catalog: one at a time.
        try connection.execute("SELECT pg_advisory_lock(727180)")
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock(727180)") }
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS response (key text PRIMARY KEY, model text NOT NULL, kind text NOT NULL,
                request text NOT NULL, answer text NOT NULL, prompt_tokens integer, completion_tokens integer,
                latency_ms integer, created_at double precision NOT NULL)
            """)
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS claim (key text PRIMARY KEY, owner text NOT NULL, host text NOT NULL,
                pid integer NOT NULL, expires_at double precision NOT NULL)
            """)
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS batch (id text PRIMARY KEY, model text NOT NULL, keys text NOT NULL,
                created_at double precision NOT NULL)
            """)
    }

    /// A text[] literal: `{"k1","k2"}`.
    private static func array(_ keys: [String]) -> String {
        "{" + keys.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    /// The answers stored for `keys`, read with `execute` (the connection, or an open transaction).
    private static func storedAnswers(_ keys: [String], _ execute: (String, [String?]) throws(CacheStoreError) -> [PostgresConnection.Row])
        throws(CacheStoreError) -> [String: ModelAnswer] {
        let decoder = JSONDecoder()
        var result: [String: ModelAnswer] = [:]
        for row in try execute("SELECT key, answer FROM response WHERE key = ANY($1::text[])", [array(keys)]) {
            guard let key = row[0] else { continue }
            do { result[key] = try decoder.decode(ModelAnswer.self, from: Data((row[1] ?? "").utf8)) } catch {
                throw CacheStoreError("PostgreSQL cache: the stored answer for \(key) is unreadable: \(error)")
            }
        }
        return result
    }

    public func answers(forKeys keys: [String]) throws -> [String: ModelAnswer] {
        guard mode == .use || mode == .readOnly, !keys.isEmpty else { return [:] }
        return try Self.storedAnswers(keys) { (sql, parameters) throws(CacheStoreError) in try connection.execute(sql, parameters) }
    }

    public func claim(keys: [String]) throws -> [String: ClaimState] {
        guard !keys.isEmpty else { return [:] }
        guard mode == .use else {
            var states = Dictionary(uniqueKeysWithValues: keys.map { ($0, ClaimState.claimed) })
            for (key, answer) in try answers(forKeys: keys) { states[key] = .answered(answer) }
            return states
        }
        let owner = self.owner, lease = String(claimLease)
        let me = [owner.id, owner.host, String(owner.pid)]
        var states: [String: ClaimState] = try connection.transaction { (execute) throws(CacheStoreError) in
            var states: [String: ClaimState] = [:]
            for (key, answer) in try Self.storedAnswers(keys, execute) { states[key] = .answered(answer) }
            let open = keys.filter { states[$0] == nil }
            guard !open.isEmpty else { return states }
            // New claims: a row nobody has. ON CONFLICT keeps two inserters from both winning.
            for row in try execute("""
                INSERT INTO claim (key, owner, host, pid, expires_at)
                SELECT k, $2, $3, $4::integer, extract(epoch FROM clock_timestamp()) + $5::double precision FROM unnest($1::text[]) AS k
                ON CONFLICT (key) DO NOTHING RETURNING key
                """, [Self.array(open)] + me + [lease]) {
                if let key = row[0] { states[key] = .claimed }
            }
            let rest = open.filter { states[$0] == nil }
            // Existing claims, locked until commit: two takers of a lapsed claim take turns.
            var takeOver: [String] = []
            for row in rest.isEmpty ? [] : try execute("""
                SELECT key, owner, host, pid, expires_at > extract(epoch FROM clock_timestamp()) FROM claim
                WHERE key = ANY($1::text[]) FOR UPDATE
                """, [Self.array(rest)]) {
                guard let key = row[0] else { continue }
                if owner.mayTake(claimOf: row[1] ?? "", host: row[2] ?? "", pid: Int32(row[3] ?? "") ?? 0, leaseRunning: row[4] == "t") {
                    takeOver.append(key)
                }
            }
            if !takeOver.isEmpty {
                _ = try execute("""
                    UPDATE claim SET owner = $2, host = $3, pid = $4::integer,
                        expires_at = extract(epoch FROM clock_timestamp()) + $5::double precision
                    WHERE key = ANY($1::text[])
                    """, [Self.array(takeOver)] + me + [lease])
                for key in takeOver { states[key] = .claimed }
            }
            // An answer committed while this transaction waited on its claim row (its owner
            // stored it and ended the claim) is visible only now, statement by statement:
            // look once more, so that nobody claims what is already answered.
            let claimed = keys.filter { if case .claimed? = states[$0] { true } else { false } }
            if !claimed.isEmpty {
                let late = try Self.storedAnswers(claimed, execute)
                for (key, answer) in late { states[key] = .answered(answer) }
                if !late.isEmpty {
                    _ = try execute("DELETE FROM claim WHERE key = ANY($1::text[]) AND owner = $2", [Self.array(Array(late.keys)), owner.id])
                }
            }
            return states
        }
        // Whatever is left is someone else's live claim, or a row that vanished since it was read
        // (its answer arrived): a waiter looks again.
        for key in keys where states[key] == nil { states[key] = .heldElsewhere }
        return states
    }

    public func store(_ answer: ModelAnswer, forKey key: String, modelDict: JSONValue, request: ModelRequest, latency: Duration) throws {
        guard mode == .use || mode == .refresh else { return }
        let text = String(decoding: try JSONEncoder().encode(answer), as: UTF8.self)
        let usage = answer.usage
        let values: [String?] = [key, modelDict.canonicalString, request.kind, request.json.canonicalString, text,
                                 usage.map { String($0.promptTokens) }, usage.map { String($0.completionTokens) },
                                 String(latency.wholeMilliseconds), String(Date().timeIntervalSince1970)]
        try connection.transaction { (execute) throws(CacheStoreError) in
            _ = try execute("DELETE FROM claim WHERE key = $1", [key])
            _ = try execute("""
                INSERT INTO response (key, model, kind, request, answer, prompt_tokens, completion_tokens, latency_ms, created_at)
                VALUES ($1, $2, $3, $4, $5, $6::integer, $7::integer, $8::integer, $9::double precision)
                ON CONFLICT (key) DO UPDATE SET answer = excluded.answer, prompt_tokens = excluded.prompt_tokens,
                    completion_tokens = excluded.completion_tokens, latency_ms = excluded.latency_ms, created_at = excluded.created_at
                """, values)
        }
    }

    public func release(key: String) throws {
        guard mode == .use else { return }
        try connection.execute("DELETE FROM claim WHERE key = $1 AND owner = $2", [key, owner.id])
    }

    public func releaseAllClaims() throws {
        guard mode == .use else { return }
        try connection.execute("DELETE FROM claim WHERE owner = $1", [owner.id])
    }

    public func renewClaims() throws {
        guard mode == .use else { return }
        try connection.execute("UPDATE claim SET expires_at = extract(epoch FROM clock_timestamp()) + $2::double precision WHERE owner = $1",
                               [owner.id, String(claimLease)])
    }

    public func count() throws -> Int {
        Int(try connection.execute("SELECT count(*) FROM response").first?[0] ?? "") ?? 0
    }

    public func claimCount() throws -> Int {
        Int(try connection.execute("SELECT count(*) FROM claim").first?[0] ?? "") ?? 0
    }
}
