extension PostgresResponseCache: CacheInventory {
    public func modelSummaries() throws -> [CacheModelSummary] {
        try connection.execute("""
            SELECT model, count(*), COALESCE(sum(prompt_tokens), 0), COALESCE(sum(completion_tokens), 0), COALESCE(sum(octet_length(answer)), 0)
            FROM response GROUP BY model ORDER BY count(*) DESC, model
            """).map { row in
            CacheModelSummary(model: row[0] ?? "", answers: Int(row[1] ?? "") ?? 0, promptTokens: Int(row[2] ?? "") ?? 0,
                              completionTokens: Int(row[3] ?? "") ?? 0, answerBytes: Int(row[4] ?? "") ?? 0)
        }
    }

    public func entries(after key: String, limit: Int) throws -> [CacheEntry] {
        try connection.execute("""
            SELECT key, model, kind, request, answer, prompt_tokens, completion_tokens, latency_ms, created_at
            FROM response WHERE key COLLATE "C" > $1 ORDER BY key COLLATE "C" LIMIT $2::integer
            """, [key, String(limit)]).map { row in
            CacheEntry(key: row[0] ?? "", model: row[1] ?? "", kind: row[2] ?? "", request: row[3] ?? "", answer: row[4] ?? "",
                       promptTokens: row[5].flatMap { Int($0) }, completionTokens: row[6].flatMap { Int($0) },
                       latencyMilliseconds: row[7].flatMap { Int($0) }, createdAt: row[8].flatMap { Double($0) } ?? 0)
        }
    }

    public func insertMissing(_ entries: [CacheEntry]) throws -> Int {
        guard mode != .readOnly, !entries.isEmpty else { return 0 }
        return try connection.transaction { (execute) throws(CacheStoreError) in
            var inserted = 0
            for e in entries {
                inserted += try execute("""
                    INSERT INTO response (key, model, kind, request, answer, prompt_tokens, completion_tokens, latency_ms, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6::integer, $7::integer, $8::integer, $9::double precision)
                    ON CONFLICT (key) DO NOTHING RETURNING key
                    """, [e.key, e.model, e.kind, e.request, e.answer, e.promptTokens.map(String.init), e.completionTokens.map(String.init),
                          e.latencyMilliseconds.map(String.init), String(e.createdAt)]).count
            }
            return inserted
        }
    }
}
