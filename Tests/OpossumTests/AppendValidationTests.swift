import Foundation
import Opossum
import Testing

@Suite("Invalid events are refused and change nothing")
struct AppendValidationTests {
    /// Appends `bad` to a store holding one good event and expects `code`; the store must be unchanged.
    private func expectRefused(
        _ bad: [Event],
        with code: EventStoreError.Code,
        options: FileEventStore.Options = .testing,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await withStore(options: options) { store in
            try await store.append(.courseCreated("c1"))
            let before = try await store.snapshot()
            let error = await expectStoreError(code, sourceLocation: sourceLocation) {
                try await store.append(bad, condition: nil)
            }
            #expect(error?.message.isEmpty == false, sourceLocation: sourceLocation)
            #expect(try await store.snapshot() == before, "the store changed", sourceLocation: sourceLocation)
            // The store still works afterwards.
            #expect(try await store.append(.courseCreated("c2")) == 2, sourceLocation: sourceLocation)
        }
    }

    @Test(
        "Data that is not JSON is refused",
        arguments: [
            "{", "nope", "{} garbage", "{\"a\":1}}", "[1, 2", "\"unterminated", "{'single': 1}", "{\"a\":1,}",
            "NaN", "01", "   ", "{\"a\" 1}", "tru", "[1]]", "{}{}",
        ]
    )
    func invalidJSONDataIsRefused(text: String) async throws {
        try await expectRefused([Event(type: "T", data: json(text))], with: .invalidEvent)
    }

    @Test("Data that is not UTF-8 is refused")
    func invalidUTF8DataIsRefused() async throws {
        try await expectRefused([Event(type: "T", data: Data([0x22, 0xFF, 0xFE, 0x22]))], with: .invalidEvent)
    }

    @Test("An event with an empty type is refused")
    func emptyTypeIsRefused() async throws {
        try await expectRefused([Event(type: "", data: json("{}"))], with: .invalidEvent)
    }

    @Test(
        "A tag with an empty key or a key containing ':' is refused",
        arguments: [
            Tag(key: "", value: "x"), Tag(key: "", value: ""), Tag(key: "a:b", value: "c"), Tag(key: ":", value: "v"),
        ]
    )
    func invalidTagIsRefused(tag: Tag) async throws {
        try await expectRefused([Event(type: "T", data: json("{}"), tags: [.student("s1"), tag])], with: .invalidTag)
    }

    @Test("One bad event refuses the whole batch")
    func badEventRefusesWholeBatch() async throws {
        try await expectRefused(
            [.studentRegistered("s1"), Event(type: "T", data: json("{")), .studentRegistered("s2")],
            with: .invalidEvent
        )
        try await expectRefused(
            [.studentRegistered("s1"), .studentRegistered("s2").tagged(Tag(key: "", value: "x"))],
            with: .invalidTag
        )
    }

    @Test("A query item with neither types nor tags cannot reach a condition, not even from JSON")
    func conditionWithEmptyItemCannotBeBuilt() async {
        await expectStoreError(.invalidQuery) { try QueryItem(types: [], tags: []) }
        await expectStoreError(.invalidQuery) {
            try JSONDecoder().decode(AppendCondition.self, from: json(#"{"failIfEventsMatch": {"items": [{}]}}"#))
        }
    }

    @Test("An event larger than maximumEventSize is refused with eventTooLarge")
    func oversizedEventIsRefused() async throws {
        let limit = 64 << 10
        // Tags large enough to make the event too large, each under the tag limit.
        let options = FileEventStore.Options(
            durability: .none,
            limits: FileEventStore.Limits(maximumEventSize: limit, maximumTagSize: 1 << 20)
        )
        let bigString = String(repeating: "x", count: 100 << 10)
        try await expectRefused(
            [Event(type: "T", data: json("\"\(bigString)\""))],
            with: .eventTooLarge,
            options: options
        )
        try await expectRefused(
            [Event(type: "T", data: json("{}")).tagged("big", bigString)],
            with: .eventTooLarge,
            options: options
        )
        try await expectRefused(
            [.studentRegistered("s1"), Event(type: "T", data: json("\"\(bigString)\""))],
            with: .eventTooLarge,
            options: options
        )
    }

    @Test("An event well under maximumEventSize is stored whole")
    func eventUnderLimitIsStored() async throws {
        let options = FileEventStore.Options(durability: .none, maximumEventSize: 64 << 10)
        try await withStore(options: options) { store in
            let data = json("\"\(String(repeating: "y", count: 32 << 10))\"")
            try await store.append(Event(type: "T", data: data))
            #expect(try await store.readLast(.all)?.data == data)
        }
    }
}

extension FileEventStore.Options {
    /// Test options whose tag limit lets the hostile long tags through.
    fileprivate static let roomyTags = FileEventStore.Options(
        durability: .none,
        limits: FileEventStore.Limits(maximumTagSize: 64 << 10)
    )
}

@Suite("Names from users never become paths")
struct HostileNameTests {
    /// Tags whose keys or values would escape or collide if used as file names.
    static func hostileTags(marker: String, temporaryDirectory: String) -> [Tag] {
        [
            Tag("path", "/"), Tag("path", "a/b"), Tag("path", "."), Tag("path", ".."), Tag("path", "../../etc"),
            Tag("path", "../../../../../../../../../..\(temporaryDirectory)/\(marker)"),
            Tag("path", "\(temporaryDirectory)/\(marker)"), Tag("path", "/etc/passwd"),
            Tag("path", "..\\..\\\(marker)"), Tag("path", "C:\\\(marker)"),
            Tag("nul", "\u{0}"), Tag("nul", "a\u{0}b"), Tag("nul", "\u{0}\(marker)"),
            Tag("long", String(repeating: "v", count: 10 << 10)),
            Tag("long", String(repeating: "\u{E9}", count: 10 << 10)),
            Tag("long", String(repeating: "../", count: 4 << 10)),
            Tag(String(repeating: "k", count: 1_000), "long key"),
            Tag("../../\(marker)", "key escape"), Tag("/", "slash key"), Tag("..", "dots key"),
            Tag("Name", "x"), Tag("name", "x"), Tag("NAME", "x"), Tag("name", "X"),
            Tag("reserved", "CON"), Tag("reserved", "nul.txt"), Tag("space", " "), Tag("space", "a b\n\t"),
            Tag("unicode", "\u{E9}"), Tag("unicode", "e\u{301}"), Tag("unicode", "🦫"),
        ]
    }

    @Test("Hostile tag values and keys are stored, read back exactly, and create no file outside the store")
    func hostileTagsStayInsideTheStore() async throws {
        let marker = "opossum-escape-\(UUID().uuidString)"
        let temporaryDirectory = FileManager.default.temporaryDirectory.path
        let outsideBefore = try FileManager.default.contentsOfDirectory(atPath: temporaryDirectory).filter {
            $0.contains(marker)
        }
        #expect(outsideBefore.isEmpty)
        let tags = Self.hostileTags(marker: marker, temporaryDirectory: temporaryDirectory)
        #expect(Set(tags).count == tags.count)

        // The long tags are over the default tag limit: these tests are about paths, not limits.
        try await withStoreAndDirectory(options: .roomyTags) { store, directory in
            let storeRelative = "stores/site/store"
            let rootBefore = try directory.contents().filter { !$0.hasPrefix(storeRelative + "/") }
            for (index, tag) in tags.enumerated() {
                try await store.append(Event(type: "Hostile", data: json("\(index)"), tags: [tag]))
            }
            try await checkEachTagReadsOnlyItsEvent(store, tags)
            await store.close()
            try await withReopenedStore(in: directory) { reopened in
                try await checkEachTagReadsOnlyItsEvent(reopened, tags)
            }
            let rootAfter = try directory.contents().filter { !$0.hasPrefix(storeRelative + "/") }
            #expect(rootAfter == rootBefore, "files appeared next to or above the store directory")
        }
        let outsideAfter = try FileManager.default.contentsOfDirectory(atPath: temporaryDirectory).filter {
            $0.contains(marker)
        }
        #expect(outsideAfter.isEmpty, "files appeared outside the test's directory: \(outsideAfter)")
    }

    private func checkEachTagReadsOnlyItsEvent(
        _ store: FileEventStore,
        _ tags: [Tag],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let all = try await store.readAll(.all)
        #expect(all.map(\.tags) == tags.map { [$0] }, sourceLocation: sourceLocation)
        for (index, tag) in tags.enumerated() {
            let read = try await store.readAll(try .tags(tag))
            #expect(
                positions(read) == [Position(UInt64(index) + 1)],
                "tag \(tag.key.prefix(40)):\(tag.value.prefix(40))",
                sourceLocation: sourceLocation
            )
        }
    }

    @Test("Hostile event types are stored, read back exactly, and create no file outside the store")
    func hostileTypesStayInsideTheStore() async throws {
        let marker = "opossum-escape-\(UUID().uuidString)"
        let types = [
            "/", "a/b", ".", "..", "../../\(marker)", "/tmp/\(marker)", "\u{0}", "a\u{0}b",
            String(repeating: "T", count: 10 << 10), "Thing", "thing", "THING", "caf\u{E9}", "cafe\u{301}",
        ]
        try await withStoreAndDirectory { store, directory in
            try await store.append(types.map { Event(type: $0, data: json("{}")) })
            await store.close()
            try await withReopenedStore(in: directory) { reopened in
                #expect(try await reopened.readAll(.all).map(\.type) == types)
                for (index, type) in types.enumerated() {
                    let read = try await reopened.readAll(.type(type))
                    #expect(positions(read) == [Position(UInt64(index) + 1)], "type \(type.prefix(40))")
                }
            }
            #expect(
                try directory.contents().filter { !$0.hasPrefix("stores/site/store") }.allSatisfy {
                    $0 == "stores" || $0 == "stores/site"
                }
            )
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/\(marker)"))
    }

    @Test("Tags differing only in case never collide, in reads or in conditions")
    func caseOnlyDifferencesNeverCollide() async throws {
        try await withStoreAndDirectory { store, directory in
            let variants = [Tag("Name", "x"), Tag("name", "x"), Tag("name", "X"), Tag("NAME", "X")]
            for tag in variants {
                // Each append is conditioned on no event with this exact tag yet: the other
                // variants must not count.
                let condition = AppendCondition(failIfEventsMatch: try .tags(tag))
                try await store.append(Event(type: "T", data: json("{}"), tags: [tag]), condition: condition)
            }
            for tag in variants {
                await expectConditionFailure {
                    try await store.append(
                        Event(type: "T", tags: [tag]),
                        condition: AppendCondition(failIfEventsMatch: try .tags(tag))
                    )
                }
            }
            await store.close()
            try await withReopenedStore(in: directory) { reopened in
                for (index, tag) in variants.enumerated() {
                    let read = try await reopened.readAll(try .tags(tag))
                    #expect(positions(read) == [Position(UInt64(index) + 1)], "\(tag)")
                    #expect(read.first?.tags == [tag])
                }
            }
        }
    }
}

@Suite("Opening and creating stores")
struct StoreLifecycleTests {
    @Test("open on a directory that is not a store fails with notAStore")
    func openOnNonStoreFails() async throws {
        try await withTemporaryDirectory { directory in
            let empty = directory.path(of: "empty")
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
            await expectStoreError(.notAStore) { try await FileEventStore.open(at: empty, options: .testing) }

            let other = directory.path(of: "other")
            try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
            try Data("hello".utf8).write(to: URL(fileURLWithPath: other + "/notes.txt"))
            await expectStoreError(.notAStore) { try await FileEventStore.open(at: other, options: .testing) }
            #expect(try TemporaryDirectory.contents(of: other) == ["notes.txt"])
        }
    }

    @Test("open on a path that does not exist fails with notAStore and creates nothing")
    func openOnMissingPathFails() async throws {
        try await withTemporaryDirectory { directory in
            let missing = directory.path(of: "missing")
            await expectStoreError(.notAStore) { try await FileEventStore.open(at: missing, options: .testing) }
            #expect(!FileManager.default.fileExists(atPath: missing))
        }
    }

    @Test("open on a store of a newer format fails with unsupportedFormat")
    func openOnNewerFormatFails() async throws {
        try await withStoreAndDirectory { store, directory in
            try await store.append(.courseCreated("c1"))
            await store.close()
            // DESIGN §4: the identity file is `store.json` at the top of the store directory.
            let url = URL(fileURLWithPath: directory.storePath).appendingPathComponent("store.json")
            var identity = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            #expect(identity["formatVersion"] != nil)
            identity["formatVersion"] = 999
            try JSONSerialization.data(withJSONObject: identity).write(to: url)
            await expectStoreError(.unsupportedFormat) {
                try await FileEventStore.open(at: directory.storePath, options: .testing)
            }
        }
    }

    @Test("create where a store exists fails with alreadyExists and leaves the store alone")
    func createOverExistingStoreFails() async throws {
        try await withStoreAndDirectory { store, directory in
            try await store.append([.courseCreated("c1"), .studentRegistered("s1")])
            let before = try await store.snapshot()
            await expectStoreError(.alreadyExists) {
                try await FileEventStore.create(at: directory.storePath, name: "again", options: .testing)
            }
            #expect(try await store.snapshot() == before)
            await store.close()
            await expectStoreError(.alreadyExists) {
                try await FileEventStore.create(at: directory.storePath, name: "again", options: .testing)
            }
            try await withReopenedStore(in: directory) { reopened throws in
                #expect(try await reopened.snapshot() == before)
                #expect(try await reopened.status().identity.name == "test-site")
            }
        }
    }

    @Test("A new store records its name and format version and starts empty")
    func newStoreHasIdentity() async throws {
        try await withStore { store in
            let status = try await store.status()
            #expect(status.identity.name == "test-site")
            #expect(status.identity.formatVersion == StoreIdentity.currentFormatVersion)
            #expect(status.head == .zero)
            #expect(status.eventCount == 0)
        }
    }

    @Test("A closed store refuses appends and reads with closed")
    func closedStoreRefusesWork() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await FileEventStore.create(at: directory.storePath, name: "test-site", options: .testing)
            try await store.append(.courseCreated("c1"))
            await store.close()
            await expectStoreError(.closed) { try await store.append(.courseCreated("c2")) }
            await expectStoreError(.closed) { try await store.readAll(.all) }
            await store.close()  // closing twice is harmless
            try await withReopenedStore(in: directory) { reopened throws in
                #expect(try await reopened.status().eventCount == 1)
            }
        }
    }
}
