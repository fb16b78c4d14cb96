import Foundation
import Opossum
import Testing

/// Event ids the store assigns are random version-4 UUIDs, distinct across events.
@Suite("Event ids")
struct EventIdTests {
    @Test("assigned event ids are distinct RFC 4122 version-4 UUIDs")
    func assignedIdsAreVersionFour() async throws {
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "site", options: unflushed)
            try await store.append((0..<1_000).map { Event(type: "Numbered", data: Data("\($0)".utf8)) })
            let ids = try await store.readAll(.all).map(\.eventId)
            await store.close()
            #expect(Set(ids).count == 1_000)
            for id in ids {
                let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
                #expect(bytes[6] >> 4 == 4, "\(id) is not version 4")
                #expect(bytes[8] >> 6 == 0b10, "\(id) does not have the RFC 4122 variant")
            }
        }
    }
}
