#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import Foundation
import Models

/// PostgreSQL's client library, opened with `dlopen` when a PostgreSQL cache is first used, as
/// libcurl is: nothing of it loads for `--cfg`, `--help` or a run on the SQLite cache, and the
/// runner links no database driver it does not use. Only the handful of calls the cache needs.
struct LibPQ: @unchecked Sendable {
    typealias Connect = @convention(c) (UnsafePointer<CChar>) -> OpaquePointer?
    typealias Status = @convention(c) (OpaquePointer?) -> Int32
    typealias Message = @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    typealias Finish = @convention(c) (OpaquePointer?) -> Void
    typealias ExecParams = @convention(c) (OpaquePointer?, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?,
                                           UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32) -> OpaquePointer?
    typealias Count = @convention(c) (OpaquePointer?) -> Int32
    typealias Value = @convention(c) (OpaquePointer?, Int32, Int32) -> UnsafePointer<CChar>?
    typealias IsNull = @convention(c) (OpaquePointer?, Int32, Int32) -> Int32

    let connectdb: Connect
    let status: Status
    let errorMessage: Message
    let finish: Finish
    let execParams: ExecParams
    let resultStatus: Status
    let resultErrorMessage: Message
    let ntuples: Count
    let nfields: Count
    let getvalue: Value
    let getisnull: IsNull
    let clear: Finish

    /// `CONNECTION_OK`, `PGRES_COMMAND_OK`, `PGRES_TUPLES_OK` in libpq-fe.h.
    static let connectionOK: Int32 = 0, commandOK: Int32 = 1, tuplesOK: Int32 = 2

    /// The library, opened once; nil with the reason when it is not installed.
    static let shared: Result<LibPQ, CacheStoreError> = {
        let names: [String] = ["libpq.so.5", "libpq.so", "libpq.5.dylib"]
        guard let handle = names.lazy.compactMap({ name in dlopen(name, RTLD_NOW | RTLD_LOCAL) }).first else {
            return .failure(CacheStoreError("PostgreSQL's client library (libpq.so.5) is not installed",
                                            hint: "install it (Debian: apt-get install libpq5), or use the SQLite cache: leave response.cache.url unset"))
        }
        func symbol<T>(_ name: String, as _: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: T.self) }
        }
        guard let connectdb = symbol("PQconnectdb", as: Connect.self), let status = symbol("PQstatus", as: Status.self),
              let errorMessage = symbol("PQerrorMessage", as: Message.self), let finish = symbol("PQfinish", as: Finish.self),
              let execParams = symbol("PQexecParams", as: ExecParams.self), let resultStatus = symbol("PQresultStatus", as: Status.self),
              let resultErrorMessage = symbol("PQresultErrorMessage", as: Message.self), let ntuples = symbol("PQntuples", as: Count.self),
              let nfields = symbol("PQnfields", as: Count.self),
              let getvalue = symbol("PQgetvalue", as: Value.self), let getisnull = symbol("PQgetisnull", as: IsNull.self),
              let clear = symbol("PQclear", as: Finish.self)
        else {
            return .failure(CacheStoreError("libpq.so.5 lacks a function the cache needs", hint: "install libpq5 from Debian 12 or later"))
        }
        return .success(LibPQ(connectdb: connectdb, status: status, errorMessage: errorMessage, finish: finish, execParams: execParams,
                              resultStatus: resultStatus, resultErrorMessage: resultErrorMessage, ntuples: ntuples, nfields: nfields,
                              getvalue: getvalue, getisnull: getisnull, clear: clear))
    }()
}

/// A problem with the response cache itself (its file or its server), before or during a run.
public struct CacheStoreError: Error, Sendable, CustomStringConvertible, UserFacingError {
    public var message: String
    public var hint: String?
    /// The config key at fault (`response.cache.url`) when the setting is wrong, nil when the
    /// setting is right and the server or library failed.
    public var keyPath: String?

    public init(_ message: String, at keyPath: String? = nil, hint: String? = nil) {
        self.message = message
        self.keyPath = keyPath
        self.hint = hint
    }

    public var userError: UserError {
        UserError(keyPath == nil ? .runtime : .config, message, place: Place(keyPath: keyPath), hint: hint)
    }

    public var description: String { userError.description }
}

/// One connection to a PostgreSQL server; statements run one at a time under a lock, since a
/// libpq connection must not be used by two threads at once.
final class PostgresConnection: @unchecked Sendable {
    private let pq: LibPQ
    private let connection: OpaquePointer
    private let lock = NSLock()

    /// One row of a result, as text (nil for SQL NULL).
    typealias Row = [String?]

    init(conninfo: String) throws(CacheStoreError) {
        let pq: LibPQ
        switch LibPQ.shared {
        case .success(let library): pq = library
        case .failure(let error): throw error
        }
        guard let connection = pq.connectdb(conninfo) else { throw CacheStoreError("cannot connect to PostgreSQL (out of memory)") }
        guard pq.status(connection) == LibPQ.connectionOK else {
            let reason = pq.errorMessage(connection).map { String(cString: $0) } ?? "unknown error"
            pq.finish(connection)
            throw CacheStoreError("cannot connect to the PostgreSQL cache: \(reason.trimmingCharacters(in: .whitespacesAndNewlines))",
                                  hint: "check response.cache.url and that the server is running; the password comes from PGPASSWORD or the variable response.cache.password_env names")
        }
        self.pq = pq
        self.connection = connection
    }

    deinit { pq.finish(connection) }

    /// Runs one statement with text parameters (`$1`, `$2`, ...); the rows it returns.
    @discardableResult
    func execute(_ sql: String, _ parameters: [String?] = []) throws(CacheStoreError) -> [Row] {
        lock.lock()
        defer { lock.unlock() }
        return try run(sql, parameters)
    }

    /// Runs `body` inside BEGIN ... COMMIT on this connection, holding it for the whole
    /// transaction; ROLLBACK when it throws.
    func transaction<T>(_ body: (_ execute: (String, [String?]) throws(CacheStoreError) -> [Row]) throws(CacheStoreError) -> T) throws(CacheStoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        try run("BEGIN", [])
        do {
            let value = try body { (sql, parameters) throws(CacheStoreError) in try run(sql, parameters) }
            try run("COMMIT", [])
            return value
        } catch {
            _ = try? run("ROLLBACK", [])
            throw error
        }
    }

    private func run(_ sql: String, _ parameters: [String?]) throws(CacheStoreError) -> [Row] {
        // C strings for the parameters, alive until the call returns.
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let values: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        let result = values.withUnsafeBufferPointer { buffer in
            pq.execParams(connection, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        guard let result else {
            throw CacheStoreError("PostgreSQL cache: \(pq.errorMessage(connection).map { String(cString: $0) } ?? "no result")")
        }
        defer { pq.clear(result) }
        let status = pq.resultStatus(result)
        guard status == LibPQ.commandOK || status == LibPQ.tuplesOK else {
            let reason = pq.resultErrorMessage(result).map { String(cString: $0) } ?? "error \(status)"
            throw CacheStoreError("PostgreSQL cache: \(reason.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard status == LibPQ.tuplesOK else { return [] }
        let count = pq.ntuples(result)
        let columns = pq.nfields(result)
        return (0..<count).map { row in
            (0..<columns).map { column in
                pq.getisnull(result, row, column) != 0 ? nil : pq.getvalue(result, row, column).map { String(cString: $0) }
            }
        }
    }
}
