import ArgumentParser
import Foundation

/// A number of bytes given as `1048576`, `512K`, `64M` or `1G` (powers of 1024; a
/// trailing `B` or `iB` is allowed).
struct ByteCount: ExpressibleByArgument, Hashable {
    /// The number of bytes.
    var bytes: Int

    init(_ bytes: Int) {
        self.bytes = bytes
    }

    init?(argument: String) {
        var text = argument.trimmingCharacters(in: .whitespaces).uppercased()
        if text.hasSuffix("IB") {
            text.removeLast(2)
        } else if text.hasSuffix("B") {
            text.removeLast()
        }
        let shifts: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var shift = 0
        if let last = text.last, let found = shifts[last] {
            shift = found
            text.removeLast()
        }
        guard let count = Int(text), count > 0, count <= Int.max >> shift else { return nil }
        self.bytes = count << shift
    }

    var defaultValueDescription: String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20)M" : "\(bytes)"
    }
}
