import Foundation

/// A dataset repository downloaded by huggingface_hub (`hf download ORG/NAME --repo-type
/// dataset`), in its cache layout (hub-docs `local-cache.md`, `file_download.py`):
///
/// ```
/// <hub>/datasets--<org>--<name>/refs/main                    the commit of branch main
/// <hub>/datasets--<org>--<name>/refs/refs/convert/parquet    a non-branch ref, nested
/// <hub>/datasets--<org>--<name>/snapshots/<commit>/<files>   symlinks into ../../blobs/
/// ```
///
/// `revision` is a ref (`main` when nil; `refs/convert/parquet`, `refs/pr/1`) read from
/// `refs/<revision>`, or a 40-hex commit taken as the snapshot folder directly.
public struct HuggingFaceHubSnapshot: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// `<root>/datasets--<org>--<name>` (`repo_folder_name`: `/` becomes `--`).
    public func repositoryFolder(_ repo: String) -> String {
        root + "/datasets--" + repo.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "--")
    }

    /// The snapshot folder and commit of `revision`, or nil when it is not downloaded. Also
    /// reports the paths it read, for a not-found message.
    public func snapshot(repo: String, revision: String?, looked: inout [String]) -> (folder: String, commit: String)? {
        let repoFolder = repositoryFolder(repo)
        let revision = revision ?? "main"
        var commit = revision
        if !Self.isCommit(revision) {
            let refFile = repoFolder + "/refs/" + revision
            looked.append(refFile)
            guard let text = try? String(contentsOfFile: refFile, encoding: .utf8) else { return nil }
            commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !commit.isEmpty, !commit.contains("/") else { return nil }
        }
        let folder = repoFolder + "/snapshots/" + commit
        looked.append(folder)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else { return nil }
        return (folder, commit)
    }

    /// A full commit sha: 40 lowercase hex digits (`REGEX_COMMIT_HASH`).
    static func isCommit(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
