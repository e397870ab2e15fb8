import Config
import Foundation

/// What a submitted sweep needs to be followed and gathered later, kept as `submission.json` in
/// the sweep folder: `runner --collect SWEEP_DIR` reads it.
struct SlurmSubmission: Codable, Equatable {
    struct Task: Codable, Equatable {
        /// The array index (`SLURM_ARRAY_TASK_ID`).
        var task: Int
        /// Hydra's job number (`hydra.job.num`).
        var job: Int
        var directory: String
        /// The job's own overrides, secrets masked.
        var overrides: [String]
    }

    static let fileName = "submission.json"

    var launcher = "slurm"
    var jobID: String
    var slurmFolder: String
    var sweepDirectory: String
    var submitted: String
    var pollInterval: Double
    var stderrToStdout: Bool
    /// Write report.html once gathered (`report: false` in the config turns it off).
    var report: Bool?
    var tasks: [Task]

    enum CodingKeys: String, CodingKey {
        case launcher, tasks, submitted, report
        case jobID = "job_id"
        case slurmFolder = "slurm_folder"
        case sweepDirectory = "sweep_dir"
        case pollInterval = "poll_interval_s"
        case stderrToStdout = "stderr_to_stdout"
    }

    func write(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let path = directory + "/" + Self.fileName
        if let reason = FileSystem.writeWhole(Array(try encoder.encode(self)), to: path) {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: reason])
        }
    }

    static func read(from directory: String) throws -> SlurmSubmission {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + fileName))
        return try JSONDecoder().decode(SlurmSubmission.self, from: data)
    }
}
