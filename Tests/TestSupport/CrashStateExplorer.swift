import Foundation
package import Opossum

/// Builds the on-disk states a power cut could leave behind a recorded workload,
/// after the method of ALICE ("All File Systems Are Not Created Equal", OSDI 2014).
///
/// The model, per file rather than global: a write or truncate of a file is durable
/// once a later flush (`fsync`/`fdatasync`) of that file has completed; a create,
/// rename, remove or mkdir is durable once a later flush of its directory has
/// completed. A crash point is just before each flush completes, and the end of the
/// workload. At a crash point every durable change is on disk; each change issued
/// before it and not yet durable may or may not be, in any combination, and a write
/// may be torn. States explored per crash point: every prefix of the non-durable
/// changes, each one dropped alone, the last one of each prefix torn (its first
/// half, or zeros of its length: a size that reached the disk before the data), and
/// a seeded sample of random subsets. Identical file trees are explored once.
package struct CrashStateExplorer {
    package init(initial: FileTree, operations: [IOSeam.Operation]) {
        self.initial = initial
        self.operations = operations
    }

    /// One state: which recorded changes it holds.
    package struct CrashState {
        /// The crash happened before the change with this sequence number.
        package let crashPoint: Int
        /// The changes applied, by sequence number, in order.
        package let applied: [Int]
        /// The change applied torn, if any (it is in ``applied``).
        package let torn: (sequence: Int, zeros: Bool)?
        /// The files and directories of the state.
        package let tree: FileTree

        /// The state, for a person reproducing it.
        package func describe(_ operations: [IOSeam.Operation]) -> String {
            let applied = Set(applied)
            var lines = ["crash before change #\(crashPoint) of \(operations.count)"]
            for sequence in 0..<crashPoint {
                let mark: String
                if torn?.sequence == sequence {
                    mark = torn!.zeros ? "zeroed" : "torn"
                } else {
                    mark = applied.contains(sequence) ? "applied" : "LOST"
                }
                lines.append("  #\(sequence) \(mark): \(operations[sequence])")
            }
            return lines.joined(separator: "\n")
        }
    }

    package let initial: FileTree
    package let operations: [IOSeam.Operation]

    /// Whether a completed flush of `synced` makes `operation` durable.
    package static func flush(of synced: String, covers operation: IOSeam.Operation) -> Bool {
        switch operation {
        case .write(let path, _, _), .truncate(let path, _):
            path == synced
        case .create(let path), .remove(let path), .makeDirectory(let path), .removeDirectory(let path):
            FileTree.parent(path) == synced
        case .rename(let from, let to):
            FileTree.parent(to) == synced && FileTree.parent(from) == synced
        case .sync:
            true
        }
    }

    /// The crash points: before each flush, and after the last change.
    package var crashPoints: [Int] {
        operations.indices.filter {
            if case .sync = operations[$0] { return true }
            return false
        } + [operations.count]
    }

    /// The changes issued before `crashPoint` that are durable there, and the others.
    package func split(at crashPoint: Int) -> (durable: [Int], volatile: [Int]) {
        var durable: [Int] = []
        var volatile: [Int] = []
        for sequence in 0..<crashPoint {
            let operation = operations[sequence]
            if case .sync = operation { continue }
            let flushed = (sequence + 1..<crashPoint).contains { later in
                guard case .sync(let path) = operations[later] else { return false }
                return Self.flush(of: path, covers: operation)
            }
            if flushed { durable.append(sequence) } else { volatile.append(sequence) }
        }
        return (durable, volatile)
    }

    /// Every distinct state, at most `limit` (a seeded sample of them beyond that).
    ///
    /// A file tree reached at several crash points is kept once, at the latest: what
    /// was acknowledged only grows with the crash point, so that is the strictest.
    package func states(randomSubsets: Int, limit: Int, seed: UInt64) -> (states: [CrashState], candidates: Int) {
        var random = SeededRandom(state: seed)
        var seen: [FileTree: Int] = [:]
        var states: [CrashState] = []
        var candidates = 0
        func add(_ crashPoint: Int, _ durable: [Int], _ chosen: [Int], torn: (Int, Bool)? = nil) {
            candidates += 1
            let applied = (durable + chosen).sorted()
            var tree = initial
            for sequence in applied {
                if let torn, torn.0 == sequence, case .write(let path, let offset, let bytes) = operations[sequence] {
                    let part = torn.1 ? [UInt8](repeating: 0, count: bytes.count) : Array(bytes.prefix(bytes.count / 2))
                    tree.apply(.write(path: path, offset: offset, bytes: part))
                } else {
                    tree.apply(operations[sequence])
                }
            }
            let state = CrashState(
                crashPoint: crashPoint,
                applied: applied,
                torn: torn.map { (sequence: $0.0, zeros: $0.1) },
                tree: tree
            )
            if let earlier = seen[tree] {
                states[earlier] = state
            } else {
                seen[tree] = states.count
                states.append(state)
            }
        }
        for crashPoint in crashPoints {
            let (durable, volatile) = split(at: crashPoint)
            for count in 0...volatile.count {
                add(crashPoint, durable, Array(volatile.prefix(count)))
                if count > 0, case .write(_, _, let bytes) = operations[volatile[count - 1]], bytes.count > 1 {
                    add(crashPoint, durable, Array(volatile.prefix(count)), torn: (volatile[count - 1], false))
                    add(crashPoint, durable, Array(volatile.prefix(count)), torn: (volatile[count - 1], true))
                }
            }
            for dropped in volatile.indices {
                var chosen = volatile
                chosen.remove(at: dropped)
                add(crashPoint, durable, chosen)
            }
            guard !volatile.isEmpty else { continue }
            for _ in 0..<randomSubsets {
                let chosen = volatile.filter { _ in Bool.random(using: &random) }
                let writes = chosen.filter {
                    if case .write = operations[$0] { return true }
                    return false
                }
                let torn =
                    writes.isEmpty || Bool.random(using: &random) ? nil : (writes.randomElement(using: &random)!, false)
                add(crashPoint, durable, chosen, torn: torn)
            }
        }
        if states.count > limit {
            var sampled = Set<Int>()
            while sampled.count < limit { sampled.insert(Int.random(in: 0..<states.count, using: &random)) }
            states = sampled.sorted().map { states[$0] }
        }
        return (states, candidates)
    }
}

extension CrashStateExplorer {
    /// What exploring a workload's states found.
    package struct Exploration: Sendable {
        /// The distinct states checked.
        package var checked = 0
        /// The states built, before identical ones were merged and the rest sampled.
        package var built = 0
        /// One entry per failing state: what `verify` said, then the state's changes.
        package var violations: [String] = []

        /// The line the crash-state tests print, naming the workload and the counts.
        package func summary(_ workload: String, crashPoints: Int, changes: Int) -> String {
            "crash states (\(workload)): \(checked) distinct states checked, of \(built) built "
                + "at \(crashPoints) crash points over \(changes) changes; \(violations.count) violations"
        }

        /// The first few violations, for a failing expectation.
        package var firstViolations: String {
            "\(violations.count) violations; the first:\n" + violations.prefix(2).joined(separator: "\n\n")
        }
    }

    /// Writes each of the workload's states (at most `limit`) to a directory of its own
    /// under `scratch`, has `verify` open it, and removes it again.
    ///
    /// - Parameter verify: Given a state and its directory, says what is wrong, or `nil`.
    package func explore(
        randomSubsets: Int,
        limit: Int,
        seed: UInt64,
        scratch: String,
        verify: (CrashState, String) async -> String?
    ) async -> Exploration {
        let (states, built) = states(randomSubsets: randomSubsets, limit: limit, seed: seed)
        var exploration = Exploration(checked: states.count, built: built)
        for (number, state) in states.enumerated() {
            let directory = scratch + "/state-\(number)"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let problem: String?
            do {
                try state.tree.write(to: directory)
                problem = await verify(state, directory)
            } catch {
                problem = "the state could not be written: \(error)"
            }
            if let problem { exploration.violations.append("\(problem)\n\(state.describe(operations))") }
        }
        return exploration
    }
}
