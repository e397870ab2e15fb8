import Models

/// lm-eval's few-shot samplers with its random sequence: one `random.Random(seed)` per task
/// (seed 1234 unless `fewshot_random_seed` says otherwise), advanced document by document in
/// document order, so `limit` keeps the examples of the documents it keeps.
///
/// The `default` sampler draws with `sample(pool, n)`; when the current document must be left
/// out (lm-eval decides by comparing split names: the few-shot split equals the test split,
/// both possibly unset), it draws `n + 1`, drops the document (by value) and keeps the first
/// `n`, drawing again from the pool without it if copies of the document crowd the sample.
/// `first_n` takes the pool's first `n`, less the document, and draws nothing.
struct LMEvalFewShotSampler: Sendable {
    enum Kind: Sendable { case random, firstN }

    let pool: [TemplateValue]
    let kind: Kind
    private var random: PythonRandom

    init(pool: [TemplateValue], kind: Kind, seed: Int) {
        self.pool = pool
        self.kind = kind
        random = PythonRandom(seed: seed)
    }

    /// The examples for one document, `excluding` it when lm-eval would.
    ///
    /// - Throws: ``TaskError`` when the pool is too small, as lm-eval's sampler asserts.
    mutating func examples(_ n: Int, excluding document: TemplateValue?) throws(TaskError) -> [TemplateValue] {
        guard n > 0 else { return [] }
        switch kind {
        case .firstN:
            guard n <= pool.count else { throw tooFew(n) }
            let first = pool.prefix(n)
            return document.map { doc in first.filter { $0 != doc } } ?? Array(first)
        case .random:
            guard let document else {
                guard n <= pool.count else { throw tooFew(n) }
                return random.sample(pool, n)
            }
            guard n + 1 <= pool.count else { throw tooFew(n + 1) }
            var chosen = Array(random.sample(pool, n + 1).filter { $0 != document }.prefix(n))
            if chosen.count < n {
                let others = pool.filter { $0 != document }
                guard n <= others.count else { throw tooFew(n) }
                chosen = random.sample(others, n)
            }
            return chosen
        }
    }

    private func tooFew(_ n: Int) -> TaskError {
        TaskError("num_fewshot needs \(n) documents to draw from, and the few-shot pool has \(pool.count)",
                  hint: "lower task.num_fewshot, or give the task a larger training or fewshot split")
    }
}

