import Foundation

/// Lines of JSON with a CRC-32C, the framing of a projection's snapshot and journal.
///
/// A line is a JSON object whose last member is `"crc":"<8 hex digits>"`, the
/// checksum of every byte before `,"crc":` — the same trailer as a segment line
/// (``SegmentLine``), so one check serves both. A line that fails it, or lacks its
/// newline, was torn by a crash (or damaged) and is never believed.
enum JSONLines {
    /// Encodes without line breaks and with sorted keys, so equal values give equal bytes.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Decodes lines and `current.json`.
    static var decoder: JSONDecoder { JSONDecoder() }

    /// Appends `value` as one checksummed line, newline included, to `bytes`.
    static func append(_ value: some Encodable, with encoder: JSONEncoder, to bytes: inout [UInt8]) throws {
        let json = try encoder.encode(value)
        // Every value written is an object with at least one member: `{…}` becomes `{…,"crc":"…"}`.
        precondition(json.count > 2 && json.last == UInt8(ascii: "}"), "a JSON line must be a non-empty object")
        let start = bytes.count
        bytes.append(contentsOf: json.dropLast())
        let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        bytes.append(contentsOf: Array(",\"crc\":\"".utf8))
        HexDigit.append(crc, to: &bytes)
        bytes.append(contentsOf: Array("\"}\n".utf8))
    }

    /// The complete lines in `bytes` whose checksums hold, each with the offset just
    /// past its newline, up to the first line that is torn or damaged.
    ///
    /// - Returns: The good lines and whether the bytes ended cleanly after them.
    static func validLines(in bytes: [UInt8]) -> (lines: [(line: ArraySlice<UInt8>, end: Int)], clean: Bool) {
        var lines: [(line: ArraySlice<UInt8>, end: Int)] = []
        var start = 0
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { return (lines, false) }
            let line = bytes[start..<newline]
            let valid = line.withUnsafeBytes { SegmentLine.checksumIsValid($0) }
            guard valid else { return (lines, false) }
            lines.append((line, newline + 1))
            start = newline + 1
        }
        return (lines, true)
    }
}
