import CompressNIO
import NIOCore

/// The `.tar.gz` form of a package: what the CLI uploads and the server serves.
public enum PackageArchive {
    public static let mediaType = "application/gzip"

    /// The deterministic archive of `package`: the same files always give the same bytes.
    public static func pack(_ package: AssetPackage) throws -> [UInt8] {
        var tar = ByteBuffer(bytes: TarArchive.write(package.files))
        var compressed = try tar.compress(with: .gzip(configuration: .init(windowSize: 15, compressionLevel: 6, memoryLevel: 8)))
        return compressed.readBytes(length: compressed.readableBytes) ?? []
    }

    /// Reads and checks an uploaded archive. Decompression stops at the package limits, so a small
    /// archive that expands enormously (a gzip bomb) costs no more than the limit.
    public static func unpack(_ bytes: [UInt8], limits: PackageLimits) throws(PackageError) -> AssetPackage {
        guard bytes.count >= 18, bytes[0] == 0x1F, bytes[1] == 0x8B else {
            throw PackageError("the upload is not a gzip-compressed tar archive (.tar.gz)")
        }
        // Room for the files plus a header and padding per file, and the end blocks.
        let headroom = (limits.maxFiles * 3 + 4) * TarArchive.blockSize * 2
        var input = ByteBuffer(bytes: bytes)
        let tar: [UInt8]
        do {
            var output = try input.decompress(with: .gzip(), maxSize: limits.maxTotalBytes + headroom)
            tar = output.readBytes(length: output.readableBytes) ?? []
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw PackageError("the archive expands to more than the package limit of \(limits.maxTotalBytes) bytes")
        } catch {
            throw PackageError("the archive is corrupt or truncated (gzip data could not be read)")
        }
        let files = try TarArchive.read(tar, limits: limits)
        return try AssetPackage(files: files, limits: limits)
    }
}
