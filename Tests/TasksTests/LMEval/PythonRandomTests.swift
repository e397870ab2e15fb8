import Foundation
import Testing
@testable import Tasks

/// CPython 3.11's `random.Random`, number for number, against `python_random.json` (written by
/// CPython itself: `Fixtures/lm_eval/gen_python_random.py`). lm-eval draws few-shot examples
/// and bootstrap resamples with it; one wrong draw changes every later prompt.
@Suite("Python's random, as CPython draws it")
struct PythonRandomTests {
    struct File: Decodable {
        struct SampleCase: Decodable { var n: Int; var k: Int; var result: [Int] }
        struct Seed: Decodable {
            var seed: Int
            var getrandbits32: [UInt32]
            var random: [Double]
            var sample_fresh: [SampleCase]
            var sample_sequential: [SampleCase]
            var shuffle_range10_x3_same_object: [[Int]]
            var randrange_1000_x10: [Int]
            var choices_range10_k10_x3: [[Int]]
        }
        struct Bootstrap: Decodable { var seed: Int; var draws: [[Int]] }
        var seeds: [Seed]
        var bootstrap_choices: [Bootstrap]
    }

    static let file: File = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/lm_eval/python_random.json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }()

    @Test("seeding, 32-bit outputs and random() for seeds 1234, 0, 42 and 2**32+5")
    func outputs() {
        #expect(Self.file.seeds.count >= 4)
        for seed in Self.file.seeds {
            var a = PythonRandom(seed: seed.seed)
            #expect((0..<seed.getrandbits32.count).map { _ in a.next32() } == seed.getrandbits32, "seed \(seed.seed)")
            var b = PythonRandom(seed: seed.seed)
            #expect((0..<seed.random.count).map { _ in b.random() } == seed.random, "seed \(seed.seed)")
        }
    }

    @Test("sample() on fresh and on advancing generators, both of CPython's methods")
    func sample() {
        for seed in Self.file.seeds {
            for c in seed.sample_fresh {
                var r = PythonRandom(seed: seed.seed)
                #expect(r.sample(Array(0..<c.n), c.k) == c.result, "seed \(seed.seed), sample(range(\(c.n)), \(c.k))")
            }
            var r = PythonRandom(seed: seed.seed)
            for c in seed.sample_sequential {
                #expect(r.sample(Array(0..<c.n), c.k) == c.result, "seed \(seed.seed), sequential sample(range(\(c.n)), \(c.k))")
            }
        }
    }

    @Test("shuffle, randrange and choices (lm-eval's bootstrap draws)")
    func others() {
        for seed in Self.file.seeds {
            var r = PythonRandom(seed: seed.seed)
            for expected in seed.shuffle_range10_x3_same_object {
                var items = Array(0..<10)
                r.shuffle(&items)
                #expect(items == expected, "seed \(seed.seed): shuffle")
            }
            var s = PythonRandom(seed: seed.seed)
            #expect((0..<10).map { _ in s.randbelow(1000) } == seed.randrange_1000_x10, "seed \(seed.seed): randrange(1000)")
            var c = PythonRandom(seed: seed.seed)
            for expected in seed.choices_range10_k10_x3 {
                #expect(c.choices(Array(0..<10), k: 10) == expected, "seed \(seed.seed): choices")
            }
        }
        for boot in Self.file.bootstrap_choices {
            var r = PythonRandom(seed: boot.seed)
            for expected in boot.draws {
                #expect(r.choices(Array(0..<expected.count), k: expected.count) == expected, "bootstrap seed \(boot.seed)")
            }
        }
    }
}
