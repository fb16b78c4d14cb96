import Foundation

/// Checks events before they reach the writer and completes their metadata.
///
/// Runs in the appending task, so the writer thread spends its time writing.
struct EventValidator {
    let maximumEventSize: Int
    /// Whether types and tag keys starting with `$` may be appended: only Opossum's
    /// own records use them (see ``HiddenPositions``).
    var allowsReserved = false

    /// The events with ids and timestamps filled in, or the first problem found.
    func prepare(_ events: [Event], now: Date = Date()) throws(EventStoreError) -> [Event] {
        guard !events.isEmpty else {
            throw EventStoreError(.invalidEvent, "an append needs at least one event; the batch is empty")
        }
        var prepared = events
        for index in prepared.indices {
            try validate(prepared[index], number: index + 1)
            if prepared[index].metadata.eventId == nil {
                prepared[index].metadata.eventId = EventIdGenerator.next()
            }
            if prepared[index].metadata.timestamp == nil { prepared[index].metadata.timestamp = now }
        }
        return prepared
    }

    private func validate(_ event: Event, number: Int) throws(EventStoreError) {
        // Only built when something is wrong: this runs for every event appended.
        var name: String { "event \(number)" + (event.type.isEmpty ? "" : " (\(event.type.debugDescription))") }
        guard !event.type.isEmpty else {
            throw EventStoreError(.invalidEvent, "\(name) has an empty type")
        }
        if !allowsReserved {
            guard !HiddenPositions.isReserved(event.type) else {
                throw EventStoreError(
                    .invalidEvent,
                    "\(name): types starting with \"$\" are reserved for Opossum's own records"
                )
            }
            if let tag = event.tags.first(where: { HiddenPositions.isReserved($0.key) }) {
                throw EventStoreError(
                    .invalidTag,
                    "\(name): tag \(tag.description.debugDescription) uses a key starting with \"$\", which is reserved for Opossum's own records"
                )
            }
        }
        for tag in event.tags {
            do {
                try tag.validate()
            } catch {
                throw EventStoreError(.invalidTag, "\(name): \(error.message)")
            }
        }
        var size = event.type.utf8.count + event.data.count + 256
        for tag in event.tags { size += tag.key.utf8.count + tag.value.utf8.count + 4 }
        size += (event.metadata.correlationId?.utf8.count ?? 0) + (event.metadata.causationId?.utf8.count ?? 0)
        guard size <= maximumEventSize else {
            throw EventStoreError(
                .limitExceeded,
                "\(name) takes about \(size) bytes, over the store's limit of \(maximumEventSize) bytes per event"
            )
        }
        if !event.data.isEmpty {
            let validity = event.data.withUnsafeBytes { bytes in
                Result { () throws(JSONSyntaxError) in try JSONScanner.validate(bytes) }
            }
            if case .failure(let error) = validity {
                throw EventStoreError(
                    .invalidEvent,
                    "\(name): data is not valid JSON at byte \(error.offset): \(error.reason)"
                )
            }
        }
        if let timestamp = event.metadata.timestamp {
            let seconds = timestamp.timeIntervalSince1970
            // Years 1 to 9999: what four-digit RFC 3339 years can say.
            guard seconds >= -62_135_596_800, seconds < 253_402_300_800 else {
                throw EventStoreError(.invalidEvent, "\(name) has a timestamp outside the years 1 to 9999")
            }
        }
    }
}
