import Foundation
import GRDB

/// A batch sent to a provider's batch API whose answers are not stored yet. It is recorded
/// before polling starts, so a run killed while it is in flight polls the same batch when it
/// starts again, and never sends its requests a second time.
public struct PendingBatch: Sendable, Equatable {
    public var id: String
    /// SHA-256 of the model's canonical identity: a batch belongs to one model.
    public var model: String
    /// The cache keys of its requests (its lines' `custom_id`s).
    public var keys: [String]
    public var created: Double

    public init(id: String, model: String, keys: [String], created: Double = Date().timeIntervalSince1970) {
        self.id = id
        self.model = model
        self.keys = keys
        self.created = created
    }

    static func encodeKeys(_ keys: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(keys)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func decodeKeys(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

extension ResponseCache {
    public func recordBatch(_ batch: PendingBatch) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO batch (id, model, keys, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [batch.id, batch.model, PendingBatch.encodeKeys(batch.keys), batch.created])
        }
    }

    public func pendingBatches(model: String) throws -> [PendingBatch] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, model, keys, created_at FROM batch WHERE model = ? ORDER BY created_at", arguments: [model]).map { row in
                PendingBatch(id: row["id"], model: row["model"], keys: PendingBatch.decodeKeys(row["keys"]), created: row["created_at"])
            }
        }
    }

    public func finishBatch(id: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM batch WHERE id = ?", arguments: [id]) }
    }
}

extension PostgresResponseCache {
    public func recordBatch(_ batch: PendingBatch) throws {
        _ = try connection.execute("""
            INSERT INTO batch (id, model, keys, created_at) VALUES ($1, $2, $3, $4::double precision)
            ON CONFLICT (id) DO UPDATE SET keys = excluded.keys
            """, [batch.id, batch.model, PendingBatch.encodeKeys(batch.keys), String(batch.created)])
    }

    public func pendingBatches(model: String) throws -> [PendingBatch] {
        try connection.execute("SELECT id, model, keys, created_at FROM batch WHERE model = $1 ORDER BY created_at", [model]).map { row in
            PendingBatch(id: row[0] ?? "", model: row[1] ?? "", keys: PendingBatch.decodeKeys(row[2] ?? "[]"), created: Double(row[3] ?? "") ?? 0)
        }
    }

    public func finishBatch(id: String) throws {
        _ = try connection.execute("DELETE FROM batch WHERE id = $1", [id])
    }
}
