import Foundation
import Opossum
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Faults injected into the store's system calls through ``IOSeam``: each gives a
/// clear error, loses nothing acknowledged, and the next operation works once the
/// fault is gone.
@Suite("I/O faults")
struct IOFaultTests {
    /// Runs `body` with a durable store holding two acknowledged batches and a seam
    /// over its directory; afterwards re-opens the store without the seam and
    /// returns what it holds and what `check` says.
    @discardableResult
    private func withFaultyStore(
        options: FileEventStore.Options = FileEventStore.Options(),
        _ body: (FileEventStore, IOSeam, StoreFiles) async throws -> Void
    ) async throws -> (events: [SequencedEvent], report: CheckReport) {
        var result: ([SequencedEvent], CheckReport)?
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "faults", options: options)
            try await store.append(courseEvents(1, students: 1))
            try await store.append(courseEvents(2, students: 2))
            let seam = IOSeam.install(at: temp.storePath)
            do {
                try await body(store, seam, StoreFiles(directory: temp.storePath))
                seam.uninstall()
            } catch {
                seam.uninstall()
                await store.close()
                throw error
            }
            await store.close()
            let reopened = try await FileEventStore.open(at: temp.storePath)
            let events = try await reopened.readAll(.all)
            await reopened.close()
            result = (events, try await FileEventStore.check(at: temp.storePath))
        }
        return result!
    }

    /// The error an append fails with, which must be an ``EventStoreError``.
    private func failingAppend(_ store: FileEventStore, _ events: [Event]) async -> EventStoreError? {
        await expectStoreError(.io) { try await store.append(events) }
    }

    @Test("a full disk fails the append with a clear error naming the segment; the next append works")
    func diskFullFailsTheAppendAndLosesNothing() async throws {
        let (events, report) = try await withFaultyStore { store, seam, files in
            let before = try files.lines()
            seam.inject(IOSeam.Fault(.write, pathSuffix: ".jsonl", effect: .fail(errno: ENOSPC)))
            let error = await failingAppend(store, [Event(type: "Lost")])
            #expect(error?.errno == ENOSPC)
            #expect(error?.message.contains("the disk is full") == true, "\(String(describing: error))")
            #expect(error?.path == files.segmentPath(), "\(String(describing: error))")
            #expect(try files.lines() == before, "the failed append left bytes behind")
            #expect(try await store.readAll(.all).count == 5)
            #expect(try await store.append(Event(type: "Kept")) == Position(6))
        }
        #expect(events.map(\.event.type).filter { $0 == "Lost" }.isEmpty)
        #expect(events.map(\.position) == positions(1...6))
        #expect(events.last?.event.type == "Kept")
        #expect(report.isHealthy, "\(report.problems)")
    }

    @Test("a write cut short and then refused by a full disk leaves no partial batch")
    func shortWriteThenDiskFullLeavesNoPartialBatch() async throws {
        let (events, report) = try await withFaultyStore { store, seam, files in
            let before = try files.lines()
            seam.inject(IOSeam.Fault(.write, pathSuffix: ".jsonl", effect: .shortWrite(maximumBytes: 17)))
            seam.inject(IOSeam.Fault(.write, pathSuffix: ".jsonl", effect: .fail(errno: ENOSPC)))
            let error = await failingAppend(store, courseEvents(3, students: 3))
            #expect(error?.errno == ENOSPC)
            #expect(seam.faultsFired == 2)
            #expect(try files.lines() == before, "the torn batch was not cut away")
            #expect(try await store.append(Event(type: "Kept")) == Position(6))
        }
        #expect(events.map(\.position) == positions(1...6))
        #expect(report.isHealthy, "\(report.problems)")
    }

    @Test("short writes are continued until the whole batch is written")
    func shortWritesAreContinued() async throws {
        let (events, report) = try await withFaultyStore { store, seam, _ in
            seam.inject(IOSeam.Fault(.write, pathSuffix: ".jsonl", effect: .shortWrite(maximumBytes: 5), times: 20))
            let last = try await store.append(courseEvents(3, students: 3))
            #expect(last == Position(9))
            #expect(seam.faultsFired == 20)
        }
        #expect(events.map(\.position) == positions(1...9))
        #expect(events.last?.event.tags.contains(Tag("student", "2")) == true)
        #expect(report.isHealthy, "\(report.problems)")
    }

    @Test("a failed flush fails the append and cuts its group away; the next append takes its place")
    func failedFlushIsNeverTrusted() async throws {
        let (events, report) = try await withFaultyStore { store, seam, files in
            let before = try files.lines()
            seam.inject(IOSeam.Fault(.syncData, pathSuffix: ".jsonl", effect: .fail(errno: EIO)))
            let error = await failingAppend(store, [Event(type: "Unflushed")])
            #expect(error?.errno == EIO)
            #expect(error?.message.contains("flushing to disk failed") == true, "\(String(describing: error))")
            #expect(try files.lines() == before, "the unflushed group stayed in the segment")
            #expect(try await store.readAll(.all).map(\.event.type).contains("Unflushed") == false)
            #expect(try await store.append(Event(type: "Flushed")) == Position(6))
        }
        #expect(events.map(\.event.type).contains("Unflushed") == false)
        #expect(events.map(\.position) == positions(1...6))
        #expect(report.isHealthy, "\(report.problems)")
    }

    @Test("when a failed flush cannot be undone, appends are refused until the store is re-opened")
    func failedFlushThatCannotBeUndoneNeedsReopen() async throws {
        let (events, report) = try await withFaultyStore { store, seam, _ in
            seam.inject(IOSeam.Fault(.syncData, pathSuffix: ".jsonl", effect: .fail(errno: EIO)))
            seam.inject(IOSeam.Fault(.truncate, pathSuffix: ".jsonl", effect: .fail(errno: EIO)))
            _ = await failingAppend(store, [Event(type: "Unknown")])
            seam.clearFaults()
            let refused = await expectStoreError(.closed) { try await store.append(Event(type: "Refused")) }
            #expect(refused?.message.contains("re-open") == true, "\(String(describing: refused))")
            // Whether the group is on disk is unknown; readers see it whole or not at all.
            let visible = try await store.readAll(.all)
            #expect([5, 6].contains(visible.count))
        }
        // The group whose flush failed may or may not be on disk: either way whole,
        // and nothing acknowledged is lost.
        #expect(events.count == 5 || events.count == 6)
        #expect(events.prefix(5).map(\.position) == positions(1...5))
        #expect(events.map(\.event.type).contains("Refused") == false)
        #expect(report.isHealthy, "\(report.problems)")
    }

    @Test("a failed directory flush when a segment rolls over fails the append; the next one rolls over")
    func failedDirectoryFlushAtRollOver() async throws {
        let options = FileEventStore.Options(segmentSize: 600)
        let (events, report) = try await withFaultyStore(options: options) { store, seam, files in
            seam.inject(IOSeam.Fault(.sync, pathSuffix: "/Events", effect: .fail(errno: EIO)))
            _ = await failingAppend(store, courseEvents(3, students: 3))
            #expect(seam.faultsFired == 1)
            // The segment file is there, but its directory entry was never flushed:
            // the next commit into it must flush the directory before it is acknowledged.
            seam.setRecording(true)
            let last = try await store.append(courseEvents(4, students: 1))
            #expect(last == Position(7))
            #expect(try files.segment(6).isEmpty == false)
            let operations = seam.operations
            let segmentFlush = operations.firstIndex(of: .sync(path: "Events/0000000006.jsonl"))
            let directoryFlush = operations.firstIndex(of: .sync(path: "Events"))
            #expect(directoryFlush != nil && segmentFlush != nil && directoryFlush! < segmentFlush!, "\(operations)")
        }
        #expect(events.map(\.position) == positions(1...7))
        #expect(report.isHealthy, "\(report.problems)")
    }

    @Test("EINTR on every kind of call, once each time, changes nothing")
    func interruptedCallsAreRetried() async throws {
        let (events, report) = try await withFaultyStore(options: FileEventStore.Options(segmentSize: 600)) {
            store,
            seam,
            _ in
            seam.inject(IOSeam.Fault(nil, effect: .interrupt, times: nil))
            for course in 3...6 {
                try await store.append(courseEvents(course, students: 2))
            }
            #expect(try await store.readAll(.all).count == 17)
            let status = try await store.status()
            #expect(status.segmentCount > 1)
            #expect(seam.faultsFired > 20)
        }
        #expect(events.map(\.position) == positions(1...17))
        #expect(report.isHealthy, "\(report.problems)")
    }

    @Test("a store opens even when its index checkpoint cannot be saved, and leaves no temporary file")
    func openSurvivesAFailedCheckpoint() async throws {
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "faults")
            try await store.append(courseEvents(1, students: 2))
            await store.close()
            let files = StoreFiles(directory: temp.storePath)
            files.removeCheckpoint()
            let seam = IOSeam.install(at: temp.storePath)
            defer { seam.uninstall() }
            seam.inject(IOSeam.Fault(.write, pathSuffix: ".tmp", effect: .fail(errno: ENOSPC), times: nil))
            let reopened = try await FileEventStore.open(at: temp.storePath)
            #expect(try await reopened.readAll(.all).count == 3)
            #expect(try await reopened.append(Event(type: "More")) == Position(4))
            await reopened.close()
            #expect(seam.faultsFired >= 1)
            let indices = try FileManager.default.contentsOfDirectory(atPath: temp.storePath + "/Indices")
            #expect(indices.filter { $0.hasSuffix(".tmp") }.isEmpty, "\(indices)")
        }
    }
}
