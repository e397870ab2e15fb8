import Testing
@testable import Config

@Suite("Interpolation")
struct ResolverTests {
    func resolve(_ yaml: String, env: [String: String] = [:]) throws -> ConfigNode {
        var resolver = Resolver(root: try node(yaml), environment: { env[$0] })
        return try resolver.resolveAll()
    }

    func resolveError(_ yaml: String, env: [String: String] = [:]) -> ConfigError? {
        configError { _ = try resolve(yaml, env: env) }
    }

    @Test("absolute, relative and nested references keep their types")
    func references() throws {
        let r = try resolve("""
        a:
          b: 3
          c: ${.b}
          d: ${..top}
        top: 1.5
        whole: ${a}
        s: run_${a.b}_${top}
        idx: ${list[1]}
        dotidx: ${list.0}
        list: [x, y]
        name: b
        nested: ${a.${name}}
        """)
        #expect(r.node(at: "a.c")?.value == .int(3))
        #expect(r.node(at: "a.d")?.value == .double(1.5))
        #expect(r.node(at: "whole.c")?.value == .int(3))
        #expect(r.node(at: "s")?.value == .string("run_3_1.5"))
        #expect(r.node(at: "idx")?.value == .string("y"))
        #expect(r.node(at: "dotidx")?.value == .string("x"))
        #expect(r.node(at: "nested")?.value == .int(3))
    }

    @Test("Python's str() inside strings: True, None, floats")
    func stringForms() throws {
        let r = try resolve("t: true\nn: null\nf: 1.0\ns: ${t}-${n}-${f}\n")
        #expect(r.node(at: "s")?.value == .string("True-None-1.0"))
    }

    @Test("oc.env with and without defaults always gives strings")
    func env() throws {
        let r = try resolve("a: ${oc.env:RUNNER_X}\nb: ${oc.env:RUNNER_MISSING,fallback}\nc: ${oc.env:RUNNER_MISSING,8}\nd: ${oc.env:RUNNER_MISSING,null}\n",
                            env: ["RUNNER_X": "42"])
        #expect(r.node(at: "a")?.value == .string("42"))
        #expect(r.node(at: "b")?.value == .string("fallback"))
        #expect(r.node(at: "c")?.value == .string("8"))
        #expect(r.node(at: "d")?.value == .null)
        let error = resolveError("a: ${oc.env:RUNNER_MISSING}\n")
        #expect(error?.description.contains("environment variable 'RUNNER_MISSING' is not set") == true)
        #expect(error?.location?.line == 1)
    }

    @Test("oc.select falls back to its default; oc.decode parses; oc.dict.keys lists")
    func otherResolvers() throws {
        let r = try resolve("""
        a: ${oc.select:missing.key,7}
        b: ${oc.select:present,7}
        present: 1
        c: ${oc.decode:'[1, 2]'}
        d: ${oc.dict.keys:m}
        m: {x: 1, y: 2}
        """)
        #expect(r.node(at: "a")?.value == .int(7))
        #expect(r.node(at: "b")?.value == .int(1))
        #expect(r.node(at: "c")?.sequence?.count == 2)
        #expect(r.node(at: "d")?.value == .sequence([ConfigNode(.string("x")), ConfigNode(.string("y"))]))
    }

    @Test("??? stays missing, and so does whatever interpolates it")
    func missing() throws {
        let r = try resolve("need: ???\nuses: ${need}\nin_str: x_${need}\n")
        #expect(r.node(at: "need")?.isMissing == true)
        #expect(r.node(at: "uses")?.isMissing == true)
        #expect(r.node(at: "in_str")?.isMissing == true)
    }

    @Test("escaped \\${ is literal")
    func escapes() throws {
        let r = try resolve("a: \\${not}\nb: x\nc: \\\\${b}\n")
        #expect(r.node(at: "a")?.value == .string("${not}"))
        #expect(r.node(at: "c")?.value == .string("\\x"))
    }

    @Test("cycles, unknown keys and unknown resolvers are errors naming the key")
    func errors() {
        let cycle = resolveError("a: ${b}\nb: ${c}\nc: ${a}\n")
        #expect(cycle?.description.contains("interpolation cycle: 'a' -> 'b' -> 'c' -> 'a'") == true)
        let missingKey = resolveError("model: {temperature: 1}\nt: ${model.temprature}\n")
        #expect(missingKey?.description.contains("key 'model.temprature' not found") == true)
        #expect(missingKey?.hint?.contains("did you mean 'model.temperature'?") == true)
        let resolver = resolveError("a: ${oc.evn:X}\n")
        #expect(resolver?.hint?.contains("did you mean 'oc.env'?") == true)
    }

    @Test("now formats the injected clock with strftime")
    func now() throws {
        var resolver = Resolver(root: try node("d: ${now:%Y}\n"), now: { 0 })
        let year = try resolver.resolveAll().node(at: "d")?.string
        #expect(year == "1970" || year == "1969")
    }
}
