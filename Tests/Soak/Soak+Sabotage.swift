import Foundation

extension Soak {
    /// Breaks what ``SoakConfiguration/sabotage`` names, after the clean sync and before
    /// the check; the check must then report it.
    func sabotage(_ batches: inout [Int: [AppendedBatch]], hubStore: String) throws {
        switch configuration.sabotage {
        case .none:
            return
        case .lostDecision:
            // A decision the first site's app was told was stored, that no store holds.
            let last = batches[0]?.map(\.last).max() ?? 0
            batches[0, default: []].append(AppendedBatch(first: last + 1_000, last: last + 1_000, kind: .note))
            Self.log("sabotage: the first site's ledger now claims a decision at position \(last + 1_000)")
        case .damagedHub:
            let segment = hubStore + "/Events/0000000001.jsonl"
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: segment))
            defer { try? handle.close() }
            let size = try handle.seekToEnd()
            try handle.seek(toOffset: size / 2)
            let byte = try handle.read(upToCount: 1) ?? Data([0])
            try handle.seek(toOffset: size / 2)
            // A digit or letter becomes another one, so the line stays one line.
            try handle.write(contentsOf: Data([byte[0] == UInt8(ascii: "7") ? UInt8(ascii: "8") : UInt8(ascii: "7")]))
            Self.log("sabotage: flipped the byte at offset \(size / 2) of \(segment)")
        }
    }
}
