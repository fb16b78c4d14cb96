import Foundation
import Opossum
import Testing

/// A store takes a directory of its own.
@Suite("Creating stores")
struct CreateTests {
    @Test("create makes missing parent directories")
    func createMakesParents() async throws {
        try await withTemporaryDirectory { temp in
            let path = temp.path(of: "a/b/c/store")
            let store = try await FileEventStore.create(at: path, name: "deep", options: unflushed)
            await store.close()
            #expect(FileManager.default.fileExists(atPath: path + "/store.json"))
        }
    }

    @Test("create refuses a directory that already holds other files, and leaves them alone")
    func createRefusesNonEmptyDirectory() async throws {
        try await withTemporaryDirectory { temp in
            let path = temp.path(of: "documents")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try Data("hello".utf8).write(to: URL(fileURLWithPath: path + "/notes.txt"))
            let error = try await #require(throws: EventStoreError.self) {
                try await FileEventStore.create(at: path, name: "store", options: unflushed)
            }
            #expect(error.code == .alreadyExists)
            #expect(error.message.contains("notes.txt"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["notes.txt"])
        }
    }

    @Test("create accepts an existing empty directory")
    func createAcceptsEmptyDirectory() async throws {
        try await withTemporaryDirectory { temp in
            let path = temp.path(of: "empty")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let store = try await FileEventStore.create(at: path, name: "store", options: unflushed)
            #expect(try await store.append(Event(type: "First")) == Position(1))
            await store.close()
        }
    }
}
