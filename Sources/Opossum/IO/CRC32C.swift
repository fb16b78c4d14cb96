import CCRC32C

/// CRC-32C (Castagnoli), the checksum that guards every segment line and index file.
///
/// Castagnoli's polynomial detects more error patterns than the zip CRC at the same
/// cost and is the one storage systems (ext4, iSCSI, LevelDB) settle on; CPUs
/// compute it in hardware. The C target `CCRC32C` holds the implementation: the
/// crc32 instruction where the CPU has one, a slicing-by-8 table elsewhere.
enum CRC32C {
    /// The checksum of `bytes`.
    @inline(__always)
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return 0 }
        return opossum_crc32c(0, base, bytes.count)
    }

    /// The checksum of what `crc` was the checksum of, followed by `bytes`: a long
    /// input can be checked piece by piece.
    @inline(__always)
    static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32) -> UInt32 {
        guard let base = bytes.baseAddress else { return crc }
        return opossum_crc32c(crc, base, bytes.count)
    }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        if let result = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }
}
