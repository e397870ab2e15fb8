import Testing
@testable import Config

@Suite("YAML loading with OmegaConf's rules")
struct YAMLLoaderTests {
    @Test("YAML 1.1 scalars as OmegaConf reads them", arguments: [
        ("yes", ConfigValue.bool(true)), ("Off", .bool(false)), ("y", .string("y")), ("~", .null), ("", .null),
        ("1e-3", .double(0.001)), ("1_000", .int(1000)), ("0x10", .int(16)), ("010", .int(8)), ("0b101", .int(5)),
        ("1:30", .int(90)), ("0o10", .string("0o10")), (".inf", .double(.infinity)), ("-.inf", .double(-.infinity)),
        ("2024-01-01", .string("2024-01-01")), ("'123'", .string("123")), ("\"true\"", .string("true")),
        ("1.", .double(1)), (".5", .double(0.5)), ("+1", .int(1)), ("09", .string("09")),
        // Found by fuzzing: a base-60 number past 64 bits once trapped. Integers have no size
        // limit, as Python's (values checked with OmegaConf 2.3.1).
        ("-888888888888888888888:0:0", .bigInt("-3199999999999999999996800")), ("153722867280912930:59:59", .bigInt("553402322211286551599")),
        ("123456789012345678901234567890", .bigInt("123456789012345678901234567890")), ("-9223372036854775808", .int(.min)),
        ("9223372036854775808", .bigInt("9223372036854775808")), ("-9223372036854775809", .bigInt("-9223372036854775809")),
        ("0x1234567890abcdef1234", .bigInt("85968058272638546416180")), ("0777777777777777777777777", .bigInt("4722366482869645213695")),
        ("0b1111111111111111111111111111111111111111111111111111111111111111111", .bigInt("147573952589676412927")),
        ("!!int 123456789012345678901234567890", .bigInt("123456789012345678901234567890")),
        ("!!float 123456789012345678901234567890", .double(1.2345678901234568e+29)),
    ] as [(String, ConfigValue)])
    func scalars(text: String, expected: ConfigValue) throws {
        #expect(try node("v: \(text)\n").node(at: "v")?.value == expected)
    }

    @Test("key order and source positions are kept")
    func orderAndLocations() throws {
        let root = try node("zeta: 1\nalpha:\n  nested: [1, 2]\nmid: x\n")
        #expect(root.mapping?.keys == ["zeta", "alpha", "mid"])
        let location = root.node(at: "alpha.nested")?.location
        #expect(location?.line == 3 && location?.column == 11 && location?.file == "test.yaml")
    }

    @Test("merge keys and anchors")
    func mergeKeys() throws {
        let root = try node("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n")
        #expect(root.node(at: "derived")?.mapping?.keys == ["x", "y"])
        #expect(root.node(at: "derived.y")?.value == .int(3))
    }

    @Test("syntax errors carry file:line:column and a caret snippet")
    func syntaxError() {
        do {
            _ = try YAMLLoader.load("a: 1\nb: [1, 2\nc: 3\n", file: "conf/x.yaml")
            Issue.record("bad YAML loaded")
        } catch {
            #expect(error.code == .yamlSyntax)
            // An unclosed list is noticed at line 3 but reported where it opened (PyYAML names both).
            #expect(error.location?.file == "conf/x.yaml" && error.location?.line == 2 && error.location?.column == 4)
            #expect(error.description.hasPrefix("conf/x.yaml:2:4:"))
            #expect(error.description.contains("at line 3, column 2"))
            #expect(error.description.contains(" 2 | b: [1, 2\n"))
        }
    }

    @Test("duplicate keys are an error")
    func duplicates() {
        #expect(throws: ConfigError.self) { try YAMLLoader.load("a: 1\na: 2\n", file: "d.yaml") }
    }

    @Test("the @package header is read from the leading comments only")
    func header() {
        #expect(YAMLLoader.header(of: "# a comment\n# @package foo.bar\nx: 1\n")["package"] == "foo.bar")
        #expect(YAMLLoader.header(of: "x: 1\n# @package late\n")["package"] == nil)
        #expect(YAMLLoader.header(of: "#@package _global_\n")["package"] == "_global_")
    }
}

@Suite("YAML output identical to OmegaConf.to_yaml")
struct YAMLEmitterTests {
    func emit(_ yaml: String) throws -> String { YAMLEmitter().emit(try node(yaml)) }

    @Test("strings that read back as another type are single-quoted", arguments: [
        ("'123'", "'123'"), ("'true'", "'true'"), ("'null'", "'null'"), ("''", "''"), ("'y'", "'y'"),
        ("'1e5'", "'1e5'"), ("'nan'", "'nan'"), ("'2024-01-01'", "'2024-01-01'"), ("'0x10'", "'0x10'"),
        ("'???'", "???"), ("'${a}'", "${a}"), ("'.'", "."), ("'a: b'", "'a: b'"), ("' lead'", "' lead'"),
        ("'# x'", "'# x'"), ("'x #y'", "'x #y'"), ("'-'", "'-'"), ("'- x'", "'- x'"), ("'@x'", "'@x'"),
        ("\"tab\\there\"", "\"tab\\there\""), ("'héllo ✓'", "héllo ✓"), ("'it''s'", "it's"),
    ])
    func quoting(input: String, expected: String) throws {
        #expect(try emit("v: \(input)\n") == "v: \(expected)\n")
    }

    @Test("floats print as Python's repr, PyYAML style", arguments: [
        (0.001, "0.001"), (1e-05, "1.0e-05"), (1e16, "1.0e+16"), (1e15, "1000000000000000.0"), (100.0, "100.0"),
        (6.02e23, "6.02e+23"), (-0.5, "-0.5"), (3.14159265358979, "3.14159265358979"), (0.1, "0.1"),
        (Double.infinity, ".inf"), (-Double.infinity, "-.inf"), (Double.nan, ".nan"), (0.0001, "0.0001"),
    ])
    func floats(value: Double, expected: String) {
        #expect(YAMLEmitter().emit(ConfigNode(.mapping(ConfigMapping([("f", ConfigNode(.double(value)))])))) == "f: \(expected)\n")
    }

    @Test("block layout: nested maps indent, lists under keys do not, empty containers are flow")
    func layout() throws {
        #expect(try emit("a:\n  b: 1\n  c: [x, {d: 1, e: [1]}]\n  f: {}\n  g: []\nh: [[1, 2]]\n") == """
        a:
          b: 1
          c:
          - x
          - d: 1
            e:
            - 1
          f: {}
          g: []
        h:
        - - 1
          - 2

        """)
        #expect(YAMLEmitter().emit(.emptyMapping) == "{}\n")
    }

    @Test("long strings fold at 80 columns; multi-line strings are single-quoted with blank lines")
    func folding() throws {
        let long = String(repeating: "word ", count: 20).trimmingWhitespace()
        #expect(try emit("key: \(long)\n") == "key: word word word word word word word word word word word word word word word word\n  word word word word\n")
        #expect(try emit("t: \"a\\nb\"\n") == "t: 'a\n\n  b'\n")
    }
}
