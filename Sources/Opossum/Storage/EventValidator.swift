import Foundation

/// Checks events before they reach the writer and completes their metadata.
///
/// Runs in the appending task, so the writer thread spends its time writing.
struct EventValidator {
    /// The sizes and counts a batch may not go over.
    let limits: FileEventStore.Limits
    /// Whether types and tag keys starting with `$` may be appended: only Opossum's
    /// own records use them (see ``HiddenPositions``). Those records are exempt from
    /// the limits, which are for what applications append.
    var allowsReserved = false

    /// The events with ids and timestamps filled in, or the first problem found.
    ///
    /// Without `checkingData`, the payloads are taken to be valid JSON, which the
    /// caller has already checked (sync's decoded bundle lines); everything else is
    /// checked all the same.
    func prepare(_ events: [Event], now: Date = Date(), checkingData: Bool = true) throws(EventStoreError) -> [Event] {
        guard !events.isEmpty else {
            throw EventStoreError(.invalidEvent, "an append needs at least one event; the batch is empty")
        }
        try checkCount(events)
        var prepared = events
        var batchSize = 0
        for index in prepared.indices {
            let size = try validate(prepared[index], number: index + 1, checkingData: checkingData)
            batchSize += size
            if size > 0, batchSize > limits.maximumBatchSize {
                throw EventStoreError(
                    .batchTooLarge,
                    "the batch reaches \(batchSize) bytes at \(Self.name(of: prepared[index], number: index + 1)), "
                        + "over the store's limit of \(limits.maximumBatchSize) bytes per batch "
                        + "(Limits.maximumBatchSize); nothing was written"
                )
            }
            if prepared[index].metadata.eventId == nil {
                prepared[index].metadata.eventId = EventIdGenerator.next()
            }
            if prepared[index].metadata.timestamp == nil { prepared[index].metadata.timestamp = now }
        }
        return prepared
    }

    /// Refuses a batch with more application events than the limit.
    private func checkCount(_ events: [Event]) throws(EventStoreError) {
        // Opossum's own records do not count; without them, every event counts.
        guard events.count > limits.maximumEventsPerBatch else { return }
        var count = 0
        for (index, event) in events.enumerated() where !isExempt(event) {
            count += 1
            guard count > limits.maximumEventsPerBatch else { continue }
            throw EventStoreError(
                .tooManyEvents,
                "the batch has \(events.count) events, over the store's limit of \(limits.maximumEventsPerBatch) "
                    + "events per batch (Limits.maximumEventsPerBatch), which \(Self.name(of: event, number: index + 1)) "
                    + "is the first past; nothing was written"
            )
        }
    }

    /// Whether `event` is one of Opossum's own records, which the limits leave alone.
    private func isExempt(_ event: Event) -> Bool {
        allowsReserved && HiddenPositions.isReserved(event.type)
    }

    /// How messages name event `number` of a batch.
    private static func name(of event: Event, number: Int) -> String {
        "event \(number)" + (event.type.isEmpty ? "" : " (\(abbreviated(event.type, to: 80).debugDescription))")
    }

    /// `text`, cut to its first `count` characters and an ellipsis if longer: a message
    /// about an oversized value should not be oversized itself.
    private static func abbreviated(_ text: String, to count: Int) -> String {
        text.count <= count ? text : text.prefix(count) + "…"
    }

    /// Checks one event (its data only `checkingData`); returns its size as the limits
    /// count it (0 for an exempt record).
    private func validate(_ event: Event, number: Int, checkingData: Bool) throws(EventStoreError) -> Int {
        // Only built when something is wrong: this runs for every event appended.
        var name: String { Self.name(of: event, number: number) }
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
        let size = isExempt(event) ? 0 : try checkLimits(event, name: name)
        if checkingData && !event.data.isEmpty {
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
            guard Timestamp.isRepresentable(timestamp) else {
                throw EventStoreError(.invalidEvent, "\(name) has a timestamp outside the years 1 to 9999")
            }
        }
        return size
    }

    /// Checks the event against the per-event limits; returns its size.
    private func checkLimits(_ event: Event, name: @autoclosure () -> String) throws(EventStoreError) -> Int {
        guard event.tags.count <= limits.maximumTagsPerEvent else {
            throw EventStoreError(
                .tooManyTags,
                "\(name()) has \(event.tags.count) tags, over the store's limit of \(limits.maximumTagsPerEvent) "
                    + "tags per event (Limits.maximumTagsPerEvent); nothing was written"
            )
        }
        var size = event.type.utf8.count + event.data.count
        for (number, tag) in event.tags.enumerated() {
            let tagSize = tag.key.utf8.count + tag.value.utf8.count
            guard tagSize <= limits.maximumTagSize else {
                throw EventStoreError(
                    .tagTooLarge,
                    "\(name()): tag \(number + 1) (\(Self.abbreviated(tag.description, to: 40).debugDescription)) is \(tagSize) "
                        + "bytes, over the store's limit of \(limits.maximumTagSize) bytes per tag, key and value "
                        + "(Limits.maximumTagSize); nothing was written"
                )
            }
            size += tagSize
        }
        size += (event.metadata.correlationId?.utf8.count ?? 0) + (event.metadata.causationId?.utf8.count ?? 0)
        guard size <= limits.maximumEventSize else {
            throw EventStoreError(
                .eventTooLarge,
                "\(name()) is \(size) bytes (type, data, tags and ids), over the store's limit of "
                    + "\(limits.maximumEventSize) bytes per event (Limits.maximumEventSize); nothing was written"
            )
        }
        return size
    }
}
