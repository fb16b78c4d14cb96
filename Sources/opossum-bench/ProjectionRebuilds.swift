import Foundation
import Opossum

/// Building a projection from the whole big store, as a new projection (or a changed
/// version of one) does: the runner replays every event into a fresh folder.
struct ProjectionRebuilds: Sendable {
    let context: BenchContext
    let stores: BigStores

    /// Counts the events of each course: one state per course tag value.
    struct CourseEventCounts: ProjectionDefinition {
        let name: String
        let version = 1
        let eventTypes: [String] = []

        func key(for event: SequencedEvent) -> String? {
            event.tags.first { $0.key == "course" }?.value
        }

        func apply(state: Int?, event: SequencedEvent) -> Int? {
            (state ?? 0) + 1
        }
    }

    /// Events per second from registering a new projection until it has applied the
    /// whole store, durably (each batch of changes flushed with its checkpoint).
    func rebuilds() async throws -> [Comparison] {
        context.note("building a counting projection from the \(stores.eventCountText)-event store")
        let store = try await FileEventStore.open(at: stores.opossumPath)
        let head = try await store.status().head
        var samples = Samples()
        for run in 0..<context.sizes.runs {
            let runner = ProjectionRunner(store: store)
            let start = ContinuousClock.now
            let counts = try await runner.register(CourseEventCounts(name: "course event counts \(run)"))
            while try await counts.checkpoint < head {
                if case .failed(let error) = runner.status(of: counts.name)?.phase { throw error }
                try await Task.sleep(for: .milliseconds(2))
            }
            let seconds = (ContinuousClock.now - start).seconds
            await runner.stop()
            let total = try await counts.all().values.reduce(0, +)
            try check(total == stores.eventCount, "the projection counted \(total) events, not \(stores.eventCount)")
            samples.append(Double(head.rawValue) / seconds)
        }
        await store.close()
        try? FileManager.default.removeItem(atPath: stores.opossumPath + "/Projections")
        return [
            Comparison(
                workload: "projection rebuild, a counting projection (\(stores.eventCountText) events, durable)",
                quantity: .rate("events"),
                opossum: samples,
                baselineName: "—",
                baseline: nil,
                target: .atLeast(500_000)
            )
        ]
    }
}
