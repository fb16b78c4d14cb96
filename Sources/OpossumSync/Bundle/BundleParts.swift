import Opossum

/// The body of a verified bundle, decoded a part at a time, the next part read and
/// decoded on an I/O thread while the caller works on the current one.
///
/// An import judges or applies a part on the store's writer thread while the next one
/// is decoded, so the decoding takes no time of its own where a second core is free.
/// At most two parts are in memory: the one handed out and the one being read.
struct BundleParts {
    private let reader: BundleReader
    private let linesPerPart: Int
    /// The part being read, `nil` once the end was handed out.
    private var ahead: Task<[BundleLine], any Error>?

    /// Starts reading the first part of `reader`'s body, `linesPerPart` lines.
    init(_ reader: BundleReader, linesPerPart: Int) {
        self.reader = reader
        self.linesPerPart = linesPerPart
        self.ahead = Self.read(reader, linesPerPart)
    }

    /// The next part's lines, and the one after it starts reading; empty at the end.
    ///
    /// - Throws: ``SyncError`` when a line of the part is malformed or the file cannot
    ///   be read; the same error again on every later call.
    mutating func next() async throws -> [BundleLine] {
        guard let reading = ahead else { return [] }
        let lines = try await reading.value
        ahead = lines.isEmpty ? nil : Self.read(reader, linesPerPart)
        return lines
    }

    private static func read(_ reader: BundleReader, _ count: Int) -> Task<[BundleLine], any Error> {
        Task {
            try await IOThreadPool.shared.run {
                let first = reader.nextLineNumber
                return try reader.nextLines(maxCount: count).enumerated().map { offset, line in
                    try BundleLine.decode(line, path: reader.path, lineNumber: first + offset)
                }
            }
        }
    }
}
