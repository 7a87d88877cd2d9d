import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files whole. `write` puts the bytes into a new file beside the file, renamed over it, so
/// a reader (another command, an editor, git) sees the old contents or the new, never a part;
/// `create` writes a file that must not exist yet (a package's files in a fresh staging folder).
///
/// Files are created with `O_EXCL | O_NOFOLLOW` (`write`'s under a random name), never through a
/// link or a file someone left there, and with their permissions from the start: a file that
/// holds an API key is never readable by others, not even between its creation and a `chmod`.
///
/// Nothing is flushed with `fsync`. These are the CLI's settings, a project's lock file and the
/// cache, which the command that wrote them can write again (the cache is checked against its
/// digest when read); git does the same for its index and references. Foundation's atomic write
/// (also behind `FileManager.createFile`) flushed each file, which on ext4 cost a cached `add`
/// 1–3 ms of its ~20 waiting for the journal, and a cold one a flush per file of the package.
enum FileReplacement {
    /// Replaces `file` with `bytes`. `permissions` nil: the file keeps its mode, and a new file gets
    /// 0666 less the umask (as any file a command creates); otherwise exactly `permissions`.
    static func write(_ bytes: some ContiguousBytes, to file: URL, permissions: mode_t? = nil) throws {
        let mode = permissions ?? existingMode(file)
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).agenthub-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))", isDirectory: false)
        var code = make(temporary, bytes, mode)
        if code == 0, rename(temporary.path, file.path) != 0 {
            code = errno
            unlink(temporary.path)
        }
        guard code == 0 else { throw failure(file, code) }
    }

    /// Writes `bytes` into a new file with exactly `permissions`; something already at `file` (a
    /// file, a link) is an error and stays as it was.
    static func create(_ bytes: some ContiguousBytes, at file: URL, permissions: mode_t) throws {
        let code = make(file, bytes, permissions)
        guard code == 0 else { throw failure(file, code, created: true) }
    }

    /// Creates `file`, writes `bytes` into it and closes it: 0, or the errno of the step that
    /// failed, with the file removed.
    private static func make(_ file: URL, _ bytes: some ContiguousBytes, _ mode: mode_t?) -> Int32 {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode ?? 0o666)
        guard descriptor >= 0 else { return errno }
        var code: Int32 = 0
        // A mode asked for (or kept) is set exactly; the umask only narrowed it at creation.
        if let mode, fchmod(descriptor, mode) != 0 { code = errno }
        if code == 0 { code = writeAll(descriptor, bytes) }
        if close(descriptor) != 0, code == 0 { code = errno }
        if code != 0 { unlink(file.path) }
        return code
    }

    private static func existingMode(_ file: URL) -> mode_t? {
        var status = stat()
        guard stat(file.path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return status.st_mode & 0o7777
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: some ContiguousBytes) -> Int32 {
        bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32 in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
    }

    private static func failure(_ file: URL, _ code: Int32, created: Bool = false) -> CLIError {
        CLIError("cannot write \(file.path): \(String(cString: strerror(code)))" + (created ? "" : "; the file was not changed"))
    }
}
