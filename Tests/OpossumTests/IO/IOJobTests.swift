import Foundation
import Synchronization
import Testing

@testable import Opossum

/// A long read decodes its next chunk as an ``IOJob`` while its consumer works through
/// the current one, and a chunk's parts as ``SharedJob``s: the value must arrive whether
/// it is taken before or after the work is done, errors must pass through, and the
/// taker must get the only reference.
@Suite("I/O jobs")
struct IOJobTests {
    private struct Failure: Error, Equatable {}

    @Test("a value taken while the work still runs arrives once it is done")
    func valueTakenBeforeTheWorkEnds() async throws {
        let gate = Mutex(false)
        let job = IOJob(on: IOThreadPool.shared) { () -> [Int] in
            while !gate.withLock({ $0 }) { usleep(1_000) }
            return Array(0..<1_000)
        }
        async let value = job.value()
        try await Task.sleep(for: .milliseconds(20))
        gate.withLock { $0 = true }
        #expect(try await value == Array(0..<1_000))
    }

    @Test("a value taken after the work is done arrives at once, uniquely referenced")
    func valueTakenAfterTheWorkEnds() async throws {
        let done = Mutex(false)
        let job = IOJob(on: IOThreadPool.shared) { () -> [Int] in
            defer { done.withLock { $0 = true } }
            return Array(0..<1_000)
        }
        while !done.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
        try await Task.sleep(for: .milliseconds(5))
        var value = try await job.value()
        // A write to a shared array would copy it to new storage first.
        let storage = value.withUnsafeBufferPointer { $0.baseAddress }
        value[0] = -1
        #expect(value.withUnsafeBufferPointer { $0.baseAddress } == storage)
        #expect(value.count == 1_000)
    }

    @Test("an error thrown by the work is thrown to the taker, before or after it is done")
    func errorsPassThrough() async throws {
        let early = IOJob(on: IOThreadPool.shared) { () throws -> Int in throw Failure() }
        await #expect(throws: Failure.self) { try await early.value() }
        let late = IOJob(on: IOThreadPool.shared) { () throws -> Int in
            usleep(20_000)
            throw Failure()
        }
        await #expect(throws: Failure.self) { try await late.value() }
    }

    @Test("a shared job's value reaches its taker uniquely referenced while the job lives on")
    func sharedJobHandsItsValueOver() throws {
        let job = SharedJob(on: IOThreadPool.shared) { Array(0..<1_000) }
        var value = try job.value()
        let storage = value.withUnsafeBufferPointer { $0.baseAddress }
        value[0] = -1
        #expect(value.withUnsafeBufferPointer { $0.baseAddress } == storage)
        withExtendedLifetime(job) {}
    }
}
