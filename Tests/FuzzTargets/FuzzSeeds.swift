import Foundation
import Opossum
import OpossumSync

/// The seed corpora in `Fixtures/fuzz/`, made from what Opossum itself writes so
/// that the fuzzer starts from valid inputs and mutates them.
package enum FuzzSeeds {
    /// Writes each target's seeds to `directory/TARGET/NAME`.
    package static func write(to directory: String) async throws {
        for (target, seeds) in try await make() {
            let folder = directory + "/\(target.rawValue)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, bytes) in seeds {
                try Data(bytes).write(to: URL(fileURLWithPath: folder + "/seed-\(name)"))
            }
        }
    }

    /// Every target's seeds, by name.
    static func make() async throws -> [FuzzTarget: [(String, [UInt8])]] {
        let (pushes, pulls) = try await bundles()
        return [
            .segmentLine: lines(),
            .query: queries(),
            .hubPush: pushes,
            .bundle: pulls,
        ]
    }

    private static let sampleEvents: [Event] = [
        Event(
            type: "PartReserved",
            data: Data(#"{"technician":"Anna","quantity":1}"#.utf8),
            tags: [Tag("part", "valve-42"), Tag("workOrder", "WO-7")],
            metadata: EventMetadata(
                timestamp: Date(timeIntervalSince1970: 1_764_000_000.123456),
                eventId: UUID(uuidString: "0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B"),
                correlationId: "visit-17",
                causationId: "cmd-3"
            )
        ),
        Event(type: "NoteAdded", data: Data("{\n  \"note\": \"two\\nlines\"\r\n}".utf8)),
        Event(type: "VisitClosed", data: Data("[1,2.5e3,null,true,\"\\u00e9\"]".utf8), tags: [Tag("visit", "17")]),
    ]

    /// Event lines without their checksum field, which the harness adds.
    private static func lines() -> [(String, [UInt8])] {
        sampleEvents.enumerated().map { number, sample in
            var event = sample
            event.metadata.eventId = event.metadata.eventId ?? UUID()
            event.metadata.timestamp = event.metadata.timestamp ?? Date(timeIntervalSince1970: 0)
            let sequenced = SequencedEvent(
                position: Position(UInt64(number + 5)),
                event: event,
                origin: number == 1 ? EventOrigin(storeId: UUID(), position: Position(3)) : nil
            )
            let line = TransferLine.encode(sequenced, batchFirst: Position(5), batchCount: 3)
            return ("line-\(number)", Array(line.dropLast(TransferLine.sealLength)))
        }
    }

    private static func queries() -> [(String, [UInt8])] {
        [
            ("all", #""all""#),
            (
                "items",
                #"{"items":[{"types":["PartReserved","PartReleased"],"tags":["part:valve-42"]},{"tags":["a:b","c:"]}]}"#
            ),
            ("condition", #"{"failIfEventsMatch":{"items":[{"tags":["part:valve-42"]}]},"after":7}"#),
            ("condition-all", #"{"failIfEventsMatch":"all"}"#),
            (
                "event",
                #"{"type":"PartReserved","tags":["part:valve-42"],"data":{"n":1},"metadata":{"eventId":"0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B","timestamp":"2026-11-29T10:00:00.123456Z","correlationId":"c"}}"#
            ),
            (
                "event-read",
                #"{"position":3,"type":"T","data":"x","origin":{"storeId":"0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B","position":2}}"#
            ),
        ].map { ($0.0, Array($0.1.utf8)) }
    }

    /// Push bundles as a site writes them, and pull bundles as the hub writes them for
    /// a site: each sealed (header and body, placeholders for the store ids, first
    /// byte 0) and raw (the whole file, first byte 1).
    private static func bundles() async throws -> (pushes: [(String, [UInt8])], pulls: [(String, [UInt8])]) {
        let directory = NSTemporaryDirectory() + "opossum-fuzz-seeds-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let hub = try await FileEventStore.create(at: directory + "/hub", name: "hub", options: .fuzzing)
        try await HubRole.initialize(hub, name: "head-office")
        let hubIdentity = try await SigningIdentity.loadOrCreate(for: hub).identity
        let hubSync = try await HubSync(store: hub)
        var sites: [(FileEventStore, PublicIdentity, SiteSync)] = []
        for name in ["anna", "ben"] {
            let store = try await FileEventStore.create(at: directory + "/\(name)", name: name, options: .fuzzing)
            let identity = try await SigningIdentity.loadOrCreate(for: store).identity
            _ = try await SiteRegistry.enrol(identity, hubURL: nil, in: hub)
            sites.append((store, identity, try await SiteSync(store: store, hub: hubIdentity)))
        }
        // Both reserve the same part under a condition; Anna also logs unconditional work.
        let valve = Query(try QueryItem(types: ["PartReserved"], tags: [Tag("part", "valve-42")]))
        for (store, _, _) in sites {
            let before = try await store.append(sampleEvents[2])
            _ = try await store.append(
                [sampleEvents[0]],
                condition: AppendCondition(failIfEventsMatch: valve, after: before)
            )
        }
        _ = try await sites[0].0.append([sampleEvents[1], sampleEvents[2]])

        var pushes: [(String, [UInt8])] = []
        var pulls: [(String, [UInt8])] = []
        for (number, (_, identity, sync)) in sites.enumerated() {
            let path = directory + "/push-\(number).bundle"
            _ = try await sync.exportPush(to: path)
            pushes += seeds(
                named: "push-\(identity.name)",
                file: path,
                site: identity.storeId,
                hub: hub.identity.storeId
            )
            _ = try await hubSync.importPush(from: path, site: identity)
        }
        for (number, (_, identity, _)) in sites.enumerated() {
            let path = directory + "/pull-\(number).bundle"
            _ = try await hubSync.exportPull(for: identity, to: path)
            pulls += seeds(
                named: "pull-\(identity.name)",
                file: path,
                site: identity.storeId,
                hub: hub.identity.storeId
            )
        }
        for (store, _, _) in sites { await store.close() }
        await hub.close()
        return (pushes, pulls)
    }

    private static func seeds(named name: String, file: String, site: UUID, hub: UUID) -> [(String, [UInt8])] {
        let bytes = Array(FileManager.default.contents(atPath: file) ?? Data())
        // The header and body: everything before the trailer, the file's last line.
        let trailerStart = bytes.dropLast().lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let body = Placeholders.insert(in: Array(bytes[..<trailerStart]), site: site, hub: hub)
        return [("\(name)-sealed", [0] + body), ("\(name)-raw", [1] + bytes)]
    }
}
