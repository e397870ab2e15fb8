import Config
import Foundation

/// Where lm-eval's own task library (`lm_eval/tasks`) is for a Python.
public enum LMEvalLibrary {
    /// The `lm_eval/tasks` folder of the `lm_eval` package `python` would import: first looked
    /// for without starting a process (the site-packages of `python`'s virtual environment, or
    /// of `$VIRTUAL_ENV` when no Python is named), else asked of the Python once
    /// (`python`, else `$VIRTUAL_ENV/bin/python`, else `python3`). nil when there is none.
    public static func locate(python: String?) -> String? {
        let environment = ProcessInfo.processInfo.environment
        var environments: [String] = []
        if let python {
            let bin = (python as NSString).deletingLastPathComponent
            if (bin as NSString).lastPathComponent == "bin" { environments.append((bin as NSString).deletingLastPathComponent) }
        } else if let venv = environment["VIRTUAL_ENV"], !venv.isEmpty {
            environments.append(venv)
        }
        for venv in environments {
            let lib = venv + "/lib"
            let versions = FileSystem.list(lib).filter { $0.hasPrefix("python3") }.sorted()
            for version in versions {
                let tasks = lib + "/" + version + "/site-packages/lm_eval/tasks"
                if FileSystem.isDirectory(tasks) { return tasks }
            }
        }
        let interpreter = python ?? environment["VIRTUAL_ENV"].map { $0 + "/bin/python" }.flatMap { FileSystem.isFile($0) ? $0 : nil } ?? "python3"
        return ask(interpreter)
    }

    /// Asks a Python where `lm_eval` is, without importing it (importing lm-eval takes seconds).
    static func ask(_ python: String) -> String? {
        let process = Process()
        if python.contains("/") {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = []
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python]
        }
        process.arguments! += ["-c", "import importlib.util, os\ns = importlib.util.find_spec('lm_eval')\nprint(os.path.join(os.path.dirname(s.origin), 'tasks') if s and s.origin else '')"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let path = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !path.isEmpty, FileSystem.isDirectory(path) else { return nil }
        return path
    }
}
