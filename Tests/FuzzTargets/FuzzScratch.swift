import Foundation
import Opossum
import OpossumSync

/// The stores a stateful harness works on, in a scratch directory it replaces now
/// and then so that the stores do not grow for the whole run.
struct FuzzScratch {
    /// How many inputs one generation of stores takes before it is checked and replaced.
    static let inputsPerGeneration = 256

    /// The harness's own directory under the system's temporary directory.
    let root: String
    private(set) var generation = 0

    init(target: FuzzTarget) throws {
        root = NSTemporaryDirectory() + "opossum-fuzz-\(target.rawValue)-\(getpid())"
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// A new, empty directory for the next generation of stores; the previous one is removed.
    mutating func nextGeneration() throws -> String {
        try? FileManager.default.removeItem(atPath: directory)
        generation += 1
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The current generation's directory.
    var directory: String { root + "/\(generation)" }

    /// Closes a generation's `stores`, then checks the one in `checked`, after
    /// `inputs` inputs: a store that fails `check` is a violation.
    static func closeAndCheck(
        _ stores: [FileEventStore],
        checking checked: FileEventStore,
        after inputs: Int
    ) throws(FuzzViolation) {
        let report: CheckReport
        do {
            report = try blocking { () async throws -> CheckReport in
                for store in stores { await store.close() }
                return try await FileEventStore.check(at: checked.directory)
            }
        } catch {
            throw FuzzViolation("store \(checked.directory) cannot be checked after \(inputs) inputs: \(error)")
        }
        guard report.isHealthy else {
            throw FuzzViolation("store \(checked.directory) fails its check after \(inputs) inputs: \(report.problems)")
        }
    }
}

/// Opens the harnesses' stores the cheap way: nothing is flushed, which a fuzzer
/// that commits thousands of times a second needs and which changes nothing it checks.
extension FileEventStore.Options {
    static let fuzzing = FileEventStore.Options(durability: .none, checkpointInterval: 1_000)
}

/// Fills in store ids the fuzzer cannot guess.
///
/// Seeds carry `@SITE@` and `@HUB@` where a bundle names its stores; the harness
/// puts the ids of its own stores there, so a mutated seed still reaches the import
/// behind the header's checks.
enum Placeholders {
    static func substitute(in input: ArraySlice<UInt8>, site: UUID, hub: UUID) -> [UInt8] {
        let replacements = [
            (Array("@SITE@".utf8), Array(site.uuidString.utf8)),
            (Array("@HUB@".utf8), Array(hub.uuidString.utf8)),
        ]
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 64)
        var index = input.startIndex
        scanning: while index < input.endIndex {
            if input[index] == UInt8(ascii: "@") {
                for (placeholder, value) in replacements where input[index...].starts(with: placeholder) {
                    output += value
                    index += placeholder.count
                    continue scanning
                }
            }
            output.append(input[index])
            index += 1
        }
        return output
    }

    /// `bytes` with `site` and `hub` written back as placeholders: how seeds are made
    /// from real bundles.
    static func insert(in bytes: [UInt8], site: UUID, hub: UUID) -> [UInt8] {
        var text = String(decoding: bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: site.uuidString, with: "@SITE@")
        text = text.replacingOccurrences(of: hub.uuidString, with: "@HUB@")
        return Array(text.utf8)
    }
}

/// How the first byte of a bundle input is read.
enum BundleInputMode {
    /// The rest is a bundle's header and body; the harness adds a trailer its sender signs.
    case sealed
    /// The rest is a whole bundle file, trailer included, taken as it is.
    case raw

    init(_ input: [UInt8]) {
        self = (input.first ?? 0) & 1 == 0 ? .sealed : .raw
    }
}
