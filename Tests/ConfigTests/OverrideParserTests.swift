import Testing
@testable import Config

@Suite("Override grammar")
struct OverrideParserTests {
    func value(_ text: String) throws -> ConfigValue {
        let override = try OverrideParser.parse("k=" + text)
        guard let element = override.element else {
            Issue.record("'\(text)' is not a single value")
            return .null
        }
        return element.value
    }

    @Test("prefixes choose the kind; packages follow @")
    func kinds() throws {
        #expect(try OverrideParser.parse("a.b=1").kind == .change)
        #expect(try OverrideParser.parse("+a=1").kind == .add)
        #expect(try OverrideParser.parse("++a=1").kind == .forceAdd)
        let delete = try OverrideParser.parse("~a.b")
        #expect(delete.kind == .delete && delete.value == nil && delete.key == "a.b")
        #expect(try OverrideParser.parse("~db=mysql").element?.value == .string("mysql"))
        let grouped = try OverrideParser.parse("+server/db@backup=mysql")
        #expect(grouped.key == "server/db" && grouped.package == "backup" && grouped.keyElement == "+server/db@backup")
        #expect(try OverrideParser.parse("list.0=x").key == "list.0")
    }

    @Test("Hydra's type inference for primitives", arguments: [
        ("10", ConfigValue.int(10)), ("-20", .int(-20)), ("+7", .int(7)), ("1_000", .int(1000)),
        ("3.14", .double(3.14)), ("1e-3", .double(0.001)), (".5", .double(0.5)), ("5.", .double(5)),
        ("-10e3", .double(-10000)), ("inf", .double(.infinity)), ("-INF", .double(-.infinity)),
        ("true", .bool(true)), ("FALSE", .bool(false)), ("TrUe", .bool(true)),
        ("null", .null), ("NULL", .null),
        ("yes", .string("yes")), ("0x10", .string("0x10")), ("hello world", .string("hello world")),
        ("  padded  ", .string("padded")), ("http://x:8000/v1", .string("http://x:8000/v1")),
        ("${a.b}", .string("${a.b}")), ("run_${seed}", .string("run_${seed}")), ("a\\,b", .string("a,b")),
        ("a\\ ", .string("a ")), ("'quoted 1'", .string("quoted 1")), ("\"2\"", .string("2")),
        ("'it\\'s'", .string("it's")), ("'end\\\\'", .string("end\\")), ("'C:\\path'", .string("C:\\path")),
        ("", .string("")), ("trueish", .string("trueish")), ("1.0.0", .string("1.0.0")), ("'café'", .string("café")),
    ] as [(String, ConfigValue)])
    func primitives(text: String, expected: ConfigValue) throws {
        #expect(try value(text) == expected)
    }

    @Test("nan parses as a float")
    func nan() throws {
        guard case .double(let d) = try value("nan") else { Issue.record("nan is not a float"); return }
        #expect(d.isNaN)
    }

    @Test("lists and dicts nest; dict keys can be numbers")
    func containers() throws {
        #expect(try value("[]") == .sequence([]))
        #expect(try value("[a, 1, [true]]") == .sequence([ConfigNode(.string("a")), ConfigNode(.int(1)),
                                                             ConfigNode(.sequence([ConfigNode(.bool(true))]))]))
        guard case .mapping(let m) = try value("{a:1,b:[2,3],c:{d: x y}}") else { Issue.record("not a dict"); return }
        #expect(m.keys == ["a", "b", "c"])
        #expect(m["c"]?.node(at: "d")?.value == .string("x y"))
        guard case .mapping(let typed) = try value("{1: one}") else { Issue.record("not a dict"); return }
        #expect(typed.isNonStringKey("1"))
    }

    @Test("sweeps: comma lists, choice, range, glob")
    func sweeps() throws {
        guard case .choice(let items)? = try OverrideParser.parse("a=1,x,'y,z'").value else { Issue.record("not a choice"); return }
        #expect(items.map(\.node.value) == [.int(1), .string("x"), .string("y,z")])
        #expect(items.map(\.text) == ["1", "x", "'y,z'"])
        guard case .choice(let c)? = try OverrideParser.parse("a=choice(a, b)").value else { Issue.record("not a choice"); return }
        #expect(c.count == 2)
        guard case .range(let range)? = try OverrideParser.parse("a=range(0,1,0.25)").value else {
            Issue.record("not a range"); return
        }
        #expect(range == SweepRange(start: .int(0), stop: .int(1), step: .float(0.25)))
        guard case .glob(let include, let exclude)? = try OverrideParser.parse("db=glob(*,exclude=[m*,p*])").value else {
            Issue.record("not a glob"); return
        }
        #expect(include == ["*"] && exclude == ["m*", "p*"])
        #expect(try OverrideParser.parse("a=sort(3,1,2)").isSweep)
        #expect(try value("sort([3,1,2])") == .sequence([ConfigNode(.int(1)), ConfigNode(.int(2)), ConfigNode(.int(3))]))
        #expect(try value("int(3.7)") == .int(3))
        #expect(try value("int(-2.9)") == .int(-2))
        // Integers have no size limit, as Python's; casts follow Python's int() and float().
        #expect(try value("123456789012345678901234567890") == .bigInt("123456789012345678901234567890"))
        #expect(try value("-9_223_372_036_854_775_809") == .bigInt("-9223372036854775809"))
        #expect(try value("-9223372036854775808") == .int(.min))
        #expect(try value("int(1e300)") == .bigInt("1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160"))
        #expect(try value("int(-1.5e20)") == .bigInt("-150000000000000000000"))
        #expect(try value("int(' 1_000_000_000_000_000_000_000 ')") == .bigInt("1000000000000000000000"))
        #expect(try value("float(1000000000000000000000000000000)") == .double(1e30))
        #expect(try value("str(-123456789012345678901234567890)") == .string("-123456789012345678901234567890"))
        #expect(try value("sort([100000000000000000000,-100000000000000000000,5,2.5,10000000000000000000])")
                == .sequence([.bigInt("-100000000000000000000"), .double(2.5), .int(5), .bigInt("10000000000000000000"), .bigInt("100000000000000000000")].map { ConfigNode($0) }))
        #expect(try value("str(10)") == .string("10"))
    }

    @Test("malformed overrides are errors that quote the override", arguments: [
        ("a", "expected 'key=value'"), ("=1", "missing key"), ("a=[1,2", "expected ',' or ']'"),
        ("a={b}", "expected ':'"), ("a='open", "unterminated quoted string"), ("a=b=c", "unexpected '='"),
        ("a=x)", "unbalanced ')'"), ("s=héllo", "only ASCII is allowed"), ("a..b=1", "not a valid key"), ("a=nosuch(1)", "unknown function 'nosuch'"),
        ("a=~", "unexpected character '~'"), ("db@a:b=x", "group@pkg1:pkg2"),
        // Once Swift traps (exit 132, no message); Python raises OverflowError and ValueError.
        ("+x=int(inf)", "cannot convert float infinity to integer"), ("+x=int(nan)", "cannot convert float NaN to integer"),
        ("+x=int(-inf)", "cannot convert float -infinity to integer"), ("+x=range(0,100000000000000000000)", "beyond 64 bits"),
    ])
    func errors(input: String, fragment: String) {
        do {
            _ = try OverrideParser.parse(input)
            Issue.record("'\(input)' parsed")
        } catch {
            #expect(error.code == .overrideSyntax)
            #expect(error.description.contains(fragment), "\(error.description)")
            #expect(error.description.contains(input) || error.location?.override == input)
            #expect(error.hint != nil)
        }
    }
}
