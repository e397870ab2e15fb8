import Testing
@testable import Config

@Suite("Composition: defaults lists, packages and overrides")
struct ComposerTests {
    static let serverTree: [String: String] = [
        "config.yaml": "defaults:\n  - server/apache\n  - _self_\n\ndebug: false\n",
        "server/apache.yaml": "defaults:\n  - db: mysql\n\nname: apache\n",
        "server/db/mysql.yaml": "name: mysql\nport: 3306\n",
        "server/db/sqlite.yaml": "name: sqlite\n",
    ]

    @Test("nested group files land at their group path as package")
    func nestedPackages() throws {
        let tree = try ConfigTree(Self.serverTree)
        #expect(try tree.yaml() == "server:\n  db:\n    name: mysql\n    port: 3306\n  name: apache\ndebug: false\n")
        #expect(try tree.yaml(["server/db=sqlite"]) == "server:\n  db:\n    name: sqlite\n  name: apache\ndebug: false\n")
        #expect(try tree.yaml(["~server/db"]) == "server:\n  name: apache\ndebug: false\n")
    }

    @Test("_self_ first lets the defaults win; absent or last lets the config win")
    func selfPosition() throws {
        let files = ["db/mysql.yaml": "host: localhost\n"]
        let first = try ConfigTree(files.merging(["config.yaml": "defaults:\n  - _self_\n  - db: mysql\ndb:\n  host: backup\n"]) { $1 })
        #expect(try first.yaml() == "db:\n  host: localhost\n")
        let last = try ConfigTree(files.merging(["config.yaml": "defaults:\n  - db: mysql\ndb:\n  host: backup\n"]) { $1 })
        #expect(try last.yaml() == "db:\n  host: backup\n")
    }

    @Test("@package is relative to the including config; _global_ and headers are absolute")
    func packages() throws {
        let tree = try ConfigTree([
            "config.yaml": "defaults:\n  - server/apache@admin\n  - db@_global_: mysql\n  - db@copies.one: mysql\n",
            "server/apache.yaml": "defaults:\n  - /db@backup: mysql\nname: apache\n",
            "db/mysql.yaml": "driver: mysql\n",
            "db/headed.yaml": "# @package deep.inside\nx: 1\n",
        ])
        #expect(try tree.yaml() == "admin:\n  backup:\n    driver: mysql\n  name: apache\ndriver: mysql\ncopies:\n  one:\n    driver: mysql\n")
        #expect(try tree.yaml(["db@copies.one=headed"]).contains("copies:\n  one:\n    x: 1\n"))
        #expect(try tree.yaml(["+db@extra=headed"]).contains("deep:\n  inside:\n    x: 1\n") == false)
        #expect(try tree.yaml(["+db=headed"]).contains("deep:\n  inside:\n    x: 1\n"))
    }

    @Test("override entries, null placeholders, optional and lists of options")
    func defaultsKeywords() throws {
        let tree = try ConfigTree([
            "config.yaml": "defaults:\n  - db: mysql\n  - cache: null\n  - optional site: nowhere\n  - extras: [a, b]\n  - override db: sqlite\n",
            "db/mysql.yaml": "db: mysql\n", "db/sqlite.yaml": "db: sqlite\n",
            "cache/redis.yaml": "kind: redis\n",
            "extras/a.yaml": "a: 1\n", "extras/b.yaml": "b: 2\n",
        ])
        #expect(try tree.yaml() == "db:\n  db: sqlite\nextras:\n  a: 1\n  b: 2\n")
        #expect(try tree.yaml(["cache=redis"]).contains("cache:\n  kind: redis\n"))
        #expect(try tree.yaml(["db=mysql"]).contains("db: mysql"))
        // Two overrides of one group in one list: the first wins (Hydra 1.3.8 prints `b`).
        let twice = try ConfigTree([
            "config.yaml": "defaults:\n  - db: a\n  - override db: b\n  - override db: c\n",
            "db/a.yaml": "n: a\n", "db/b.yaml": "n: b\n", "db/c.yaml": "n: c\n",
        ])
        #expect(try twice.yaml() == "db:\n  'n': b\n")
    }

    @Test("defaults-list interpolation picks an option from other choices")
    func defaultsInterpolation() throws {
        let tree = try ConfigTree([
            "config.yaml": "defaults:\n  - server: apache\n  - combo: ${server}_x\n",
            "server/apache.yaml": "s: apache\n", "server/nginx.yaml": "s: nginx\n",
            "combo/apache_x.yaml": "c: ax\n", "combo/nginx_x.yaml": "c: nx\n",
        ])
        #expect(try tree.yaml(["server=nginx"]).contains("combo:\n  c: nx\n"))
    }

    @Test("key overrides follow Hydra: change needs the key, + needs it absent, ++ either, ~ removes")
    func keyOverrides() throws {
        let tree = try ConfigTree(["config.yaml": "a: 1\nm: {x: 1}\nl: [1, 2]\nn: null\n"])
        #expect(try tree.yaml(["a=2", "+b=3", "++a=4", "++c.d=5", "~l", "m={x: 2}", "+n=set"]) ==
                "a: 4\nm:\n  x: 2\n'n': set\nb: 3\nc:\n  d: 5\n")
        #expect(tree.error(["zz=1"])?.code == .keyNotFound)
        #expect(tree.error(["+a=1"])?.code == .keyExists)
        #expect(tree.error(["~a=5"])?.code == .deleteMismatch)
        #expect(tree.error(["m={y: 1}"])?.code == .keyNotFound)
        #expect(tree.error(["a.b=1"])?.code == .keyNotFound)
    }

    @Test("group errors: unknown option with did-you-mean, ??? must be chosen, escapes refused")
    func groupErrors() throws {
        let tree = try ConfigTree([
            "config.yaml": "defaults:\n  - db: ???\n",
            "db/mysql.yaml": "a: 1\n", "db/postgres.yaml": "a: 2\n",
        ])
        let required = tree.error([])
        #expect(required?.code == .optionRequired)
        #expect(required?.hint?.contains("mysql, postgres") == true)
        #expect(required?.location?.line == 2)
        let typo = tree.error(["db=mysq"])
        #expect(typo?.code == .optionNotFound)
        #expect(typo?.hint?.hasPrefix("did you mean 'mysql'?") == true)
        #expect(typo?.location?.override == "db=mysq")
        #expect(tree.error(["db=../../db/mysql"])?.code == .optionNotFound)
        #expect(tree.error(["db=/db/mysql"])?.code == .optionNotFound)
        // Climbing into a group of the same tree is a path Hydra accepts.
        #expect(try tree.yaml(["db=../db/mysql"]).contains("db:"))
    }

    @Test("a group added twice on the command line blames the second '+group=option'")
    func groupAddedTwice() throws {
        let tree = try ConfigTree([
            "config.yaml": "a: 1\n",
            "task/mcq.yaml": "kind: mcq\n", "task/qa.yaml": "kind: qa\n",
        ])
        let twice = tree.error(["+task=mcq", "+task=qa"])
        #expect(twice?.code == .defaultsList)
        #expect(twice?.location?.override == "+task=qa")
        #expect(twice?.message == "could not add 'task' again: '+task=mcq' already adds it")
        #expect(twice?.hint == "keep one of them; to run both use a sweep: -m +task=mcq,qa")
        #expect(tree.error(["+task=qa", "+task=qa"])?.hint == "remove one of them")
        // Another package is another slot.
        #expect(try tree.yaml(["+task=mcq", "+task@other=qa"]) == "a: 1\ntask:\n  kind: mcq\nother:\n  kind: qa\n")
    }

    @Test("a defaults list cannot climb out of the tree")
    func escapingPaths() throws {
        let tree = try ConfigTree(["config.yaml": "defaults:\n  - ../secret\n"])
        let error = tree.error([])
        #expect(error?.code == .defaultsList)
        #expect(error?.location?.line == 2)
        let group = try ConfigTree(["config.yaml": "defaults:\n  - db: ../../etc/passwd\n"])
        #expect(group.error([])?.code == .defaultsList)
    }

    @Test("the defaults list records configs, packages and choices in merge order")
    func defaultsList() throws {
        let tree = try ConfigTree(Self.serverTree)
        let composition = try tree.compose([])
        // Hydra's own launcher default comes first, as Hydra's `hydra/config` does.
        #expect(composition.defaults.defaults.map(\.configPath) == ["hydra/launcher/basic", "server/db/mysql", "server/apache", "config"])
        #expect(composition.defaults.defaults.map(\.package) == ["hydra.launcher", "server.db", "server", ""])
        #expect(composition.defaults.choices.map(\.key) == ["hydra/launcher", "server/db"])
        #expect(composition.defaults.treeDescription()
            == "<root>:\n  hydra/config:\n    hydra/launcher: basic\n  config:\n    server/apache:\n      server/db: mysql\n      _self_\n    _self_")
    }

    @Test("hydra settings are split from the job config and can be overridden")
    func hydraNode() throws {
        let tree = try ConfigTree(["config.yaml": "a: 1\nhydra:\n  job:\n    name: custom\n"])
        let composition = try tree.compose(["hydra.run.dir=somewhere"])
        #expect(YAMLEmitter().emit(composition.config) == "a: 1\n")
        #expect(composition.hydra.node(at: "run.dir")?.value == .string("somewhere"))
        #expect(composition.hydra.node(at: "job.name")?.value == .string("custom"))
        #expect(composition.hydra.node(at: "sweep.subdir")?.value == .string("${hydra.job.num}"))
    }
}

@Suite("Sweeps")
struct SweepExpanderTests {
    func jobs(_ overrides: [String], tree: ConfigTree? = nil) throws -> [[String]] {
        let repository = tree?.repository ?? ConfigRepository(searchPath: [])
        let parsed = try overrides.map { try OverrideParser.parse($0) }
        return try SweepExpander.expand(parsed, repository: repository).map { $0.map(\.input) }
    }

    @Test("the cartesian product varies the last sweep fastest")
    func order() throws {
        #expect(try jobs(["a=1,2", "fixed=x", "b=x,y"]) == [
            ["a=1", "fixed=x", "b=x"], ["a=1", "fixed=x", "b=y"], ["a=2", "fixed=x", "b=x"], ["a=2", "fixed=x", "b=y"],
        ])
        #expect(try jobs(["a=1,2", "a=3"]) == [["a=3"]])
    }

    @Test("integer and exact decimal ranges")
    func ranges() throws {
        #expect(try jobs(["n=range(3)"]) == [["n=0"], ["n=1"], ["n=2"]])
        #expect(try jobs(["n=range(0,10,4)"]) == [["n=0"], ["n=4"], ["n=8"]])
        #expect(try jobs(["x=range(0,1,0.25)"]) == [["x=0.0"], ["x=0.25"], ["x=0.5"], ["x=0.75"]])
        #expect(try jobs(["x=range(0,1,0.1)"]).count == 10)
        #expect(try jobs(["x=range(0,1,0.1)"])[3] == ["x=0.3"])
        #expect(try jobs(["n=range(5,0,-2)"]) == [["n=5"], ["n=3"], ["n=1"]])
    }

    @Test("glob selects a group's options by pattern, sorted")
    func glob() throws {
        let tree = try ConfigTree(["db/mysql.yaml": "", "db/postgres.yaml": "", "db/sqlite.yaml": "", "db/maria.yaml": ""])
        #expect(try jobs(["db=glob(*)"], tree: tree).map { $0[0] } == ["db=maria", "db=mysql", "db=postgres", "db=sqlite"])
        #expect(try jobs(["db=glob(m*,exclude=maria)"], tree: tree) == [["db=mysql"]])
        #expect(try jobs(["db=glob(z*)"], tree: tree).isEmpty)  // no jobs, as in Hydra
        #expect(try jobs(["n=range(5,1)"]).isEmpty)
    }

    @Test("the basic sweeper refuses interval sweeps")
    func interval() {
        #expect(throws: ConfigError.self) { try jobs(["x=interval(0,1)"]) }
    }
}

@Suite("Glob patterns")
struct GlobTests {
    @Test(arguments: [("mysql", "m*", true), ("mysql", "*sql", true), ("mysql", "p*", false), ("a1", "a?", true),
                      ("ab", "a[bc]", true), ("ad", "a[!bc]", true), ("ab", "a[!b]", false), ("a", "*", true)])
    func matches(name: String, pattern: String, expected: Bool) {
        #expect(Glob.matches(name, pattern: pattern) == expected)
    }
}
