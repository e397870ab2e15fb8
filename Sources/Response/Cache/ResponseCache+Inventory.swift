import Foundation
import GRDB

extension ResponseCache: CacheInventory {
    public func modelSummaries() throws -> [CacheModelSummary] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT model, COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), SUM(LENGTH(answer))
                FROM response GROUP BY model ORDER BY COUNT(*) DESC, model
                """).map { row in
                CacheModelSummary(model: row[0], answers: row[1], promptTokens: row[2], completionTokens: row[3], answerBytes: row[4] ?? 0)
            }
        }
    }

    public func entries(after key: String, limit: Int) throws -> [CacheEntry] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT key, model, kind, request, answer, prompt_tokens, completion_tokens, latency_ms, created_at
                FROM response WHERE key > ? ORDER BY key LIMIT ?
                """, arguments: [key, limit]).map { row in
                let answer: Data = row[4]
                return CacheEntry(key: row[0], model: row[1], kind: row[2], request: row[3], answer: String(decoding: answer, as: UTF8.self),
                                  promptTokens: row[5], completionTokens: row[6], latencyMilliseconds: row[7], createdAt: row[8])
            }
        }
    }

    public func insertMissing(_ entries: [CacheEntry]) throws -> Int {
        guard mode != .readOnly, !entries.isEmpty else { return 0 }
        return try queue.write { db in
            var inserted = 0
            for e in entries {
                try db.execute(sql: """
                    INSERT INTO response (key, model, kind, request, answer, prompt_tokens, completion_tokens, latency_ms, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING
                    """, arguments: [e.key, e.model, e.kind, e.request, Data(e.answer.utf8), e.promptTokens, e.completionTokens,
                                     e.latencyMilliseconds, e.createdAt])
                inserted += db.changesCount
            }
            return inserted
        }
    }
}
