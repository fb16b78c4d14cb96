import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A seam in front of the file system calls of ``SystemCall``, for tests: it records
/// every change made under one directory (for crash-state exploration) and injects
/// faults into calls on paths under it (`ENOSPC`, `EIO`, `EINTR`, short writes).
///
/// A seam covers only the paths under its ``root``, so tests running in parallel in
/// one process each install their own and never see each other's files. With no
/// seam installed, ``SystemCall`` pays one relaxed atomic load per call.
///
/// ```swift
/// let seam = IOSeam.install(at: directory, recording: true)
/// defer { seam.uninstall() }
/// seam.inject(IOSeam.Fault(.syncData, effect: .fail(errno: EIO)))
/// ```
package final class IOSeam: Sendable {
    /// A change to the file system, as recorded: paths relative to the seam's root
    /// (`""` is the root itself).
    package enum Operation: Sendable, Hashable, CustomStringConvertible {
        /// `bytes` written at `offset` (one successful `pwrite`).
        case write(path: String, offset: UInt64, bytes: [UInt8])
        /// The file's length set to `length` (`ftruncate`, or `open` with `O_TRUNC`).
        case truncate(path: String, length: UInt64)
        /// A new, empty file made by `open` with `O_CREAT`.
        case create(path: String)
        /// A file renamed over another (`rename`).
        case rename(from: String, to: String)
        /// A file removed (`unlink`).
        case remove(path: String)
        /// A directory made (`mkdir`).
        case makeDirectory(path: String)
        /// An empty directory removed (`rmdir`).
        case removeDirectory(path: String)
        /// A completed flush of a file or directory (`fsync` or `fdatasync`).
        case sync(path: String)

        package var description: String {
            switch self {
            case .write(let path, let offset, let bytes): "write \(path) @\(offset) +\(bytes.count)"
            case .truncate(let path, let length): "truncate \(path) to \(length)"
            case .create(let path): "create \(path)"
            case .rename(let from, let to): "rename \(from) -> \(to)"
            case .remove(let path): "remove \(path)"
            case .makeDirectory(let path): "mkdir \(path)"
            case .removeDirectory(let path): "rmdir \(path)"
            case .sync(let path): "sync \(path.isEmpty ? "." : path)"
            }
        }
    }

    /// The kinds of call a fault can be injected into.
    package enum Call: Sendable, Hashable {
        case open, read, write, truncate, syncData, sync, rename, remove, makeDirectory, lock, stat
    }

    /// A fault to inject into matching calls.
    package struct Fault: Sendable, Hashable {
        /// What a matching call does instead of its work.
        package enum Effect: Sendable, Hashable {
            /// Fails with `errno`, doing nothing.
            case fail(errno: Int32)
            /// Fails with `EINTR` once; the retry of the same call goes through.
            case interrupt
            /// A write that writes at most this many bytes and returns the short count.
            case shortWrite(maximumBytes: Int)
        }

        /// The kind of call it applies to; `nil` for every kind.
        package var call: Call?
        /// Only paths ending in this (such as `".jsonl"`), or every path.
        package var pathSuffix: String?
        /// What happens.
        package var effect: Effect
        /// How many matching calls go through before the first fault.
        package var skipping: Int
        /// How many times it fires; `nil` until ``IOSeam/clearFaults()``.
        package var times: Int?

        /// Creates a fault.
        package init(
            _ call: Call?,
            pathSuffix: String? = nil,
            effect: Effect,
            skipping: Int = 0,
            times: Int? = 1
        ) {
            self.call = call
            self.pathSuffix = pathSuffix
            self.effect = effect
            self.skipping = skipping
            self.times = times
        }

        fileprivate func matches(_ call: Call, path: String) -> Bool {
            (self.call == nil || self.call == call) && (pathSuffix.map { path.hasSuffix($0) } ?? true)
        }
    }

    private struct State {
        var isRecording: Bool
        var log: [Operation] = []
        var faults: [Fault] = []
        /// Per fault: whether the last `interrupt` fired, so the retry goes through.
        var interrupted: [Bool] = []
        var faultsFired = 0
    }

    /// The directory the seam covers.
    package let root: String
    private let prefix: String
    private let state: Mutex<State>

    private init(root: String, recording: Bool) {
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
        self.prefix = root + "/"
        self.state = Mutex(State(isRecording: recording))
    }

    // MARK: Recording

    /// Every change recorded so far, in the order the calls completed.
    package var operations: [Operation] { state.withLock { $0.log } }

    /// How many changes have been recorded: the sequence number the next one gets.
    package var operationCount: Int { state.withLock { $0.log.count } }

    /// Starts or stops recording.
    package func setRecording(_ isRecording: Bool) {
        state.withLock { $0.isRecording = isRecording }
    }

    /// Whether changes are being recorded; callers skip preparing a record otherwise.
    var isRecording: Bool { state.withLock { $0.isRecording } }

    /// Records a completed change to `path` (absolute).
    func record(_ make: (_ relative: (String) -> String) -> Operation) {
        state.withLock { state in
            guard state.isRecording else { return }
            state.log.append(make(relativePath))
        }
    }

    /// `path` relative to the root.
    package func relativePath(_ path: String) -> String {
        path == root ? "" : path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    // MARK: Faults

    /// Adds a fault; faults are consulted in the order they were added.
    package func inject(_ fault: Fault) {
        state.withLock { state in
            state.faults.append(fault)
            state.interrupted.append(false)
        }
    }

    /// Removes every fault: calls work again.
    package func clearFaults() {
        state.withLock { state in
            state.faults.removeAll()
            state.interrupted.removeAll()
        }
    }

    /// How many times a fault has fired.
    package var faultsFired: Int { state.withLock { $0.faultsFired } }

    /// The `errno` a call of `call` on `path` fails with instead of running, if a
    /// fault says so; consumes one firing.
    func injectedError(_ call: Call, path: String) -> Int32? {
        fire(call, path: path) { effect in
            switch effect {
            case .fail, .interrupt: true
            case .shortWrite: false
            }
        }
        .map { effect in
            if case .fail(let code) = effect { return code }
            return EINTR
        }
    }

    /// How many bytes a write on `path` may write, if a short-write fault says so.
    func shortWriteLimit(path: String) -> Int? {
        fire(.write, path: path) { effect in
            if case .shortWrite = effect { return true }
            return false
        }
        .flatMap { effect in
            if case .shortWrite(let limit) = effect { return limit }
            return nil
        }
    }

    private func fire(_ call: Call, path: String, where accepts: (Fault.Effect) -> Bool) -> Fault.Effect? {
        state.withLock { state -> Fault.Effect? in
            for number in state.faults.indices {
                let fault = state.faults[number]
                guard accepts(fault.effect), fault.matches(call, path: path) else { continue }
                if fault.effect == .interrupt {
                    // The retry of an interrupted call goes through, or it would spin.
                    state.interrupted[number].toggle()
                    if !state.interrupted[number] { continue }
                }
                if fault.skipping > 0 {
                    state.faults[number].skipping -= 1
                    continue
                }
                if let times = fault.times {
                    if times <= 1 {
                        state.faults.remove(at: number)
                        state.interrupted.remove(at: number)
                    } else {
                        state.faults[number].times = times - 1
                    }
                }
                state.faultsFired += 1
                return fault.effect
            }
            return nil
        }
    }

    // MARK: Registry

    /// Installs a seam covering `root` and everything below it.
    ///
    /// - Parameter recording: Whether to record changes from now on.
    package static func install(at root: String, recording: Bool = false) -> IOSeam {
        let seam = IOSeam(root: root, recording: recording)
        registry.withLock { seams in
            seams.append(seam)
            installedCount.store(seams.count, ordering: .releasing)
        }
        return seam
    }

    /// Removes the seam: calls under its root run untouched again.
    package func uninstall() {
        registry.withLock { seams in
            seams.removeAll { $0 === self }
            installedCount.store(seams.count, ordering: .releasing)
        }
    }

    /// The seam covering `path`, if any; cheap when none is installed.
    @inline(__always)
    static func covering(_ path: String) -> IOSeam? {
        guard installedCount.load(ordering: .acquiring) > 0 else { return nil }
        return registry.withLock { seams in seams.first { path.hasPrefix($0.prefix) || path == $0.root } }
    }
}

/// Every installed seam; few at a time, so a list is enough.
private let registry = Mutex<[IOSeam]>([])
/// How many seams are installed, read without the lock on every system call.
private let installedCount = Atomic<Int>(0)
