import Foundation
import Opossum
import Testing

/// Projection names become folder names that cannot escape `Projections/`, collide,
/// or clash on a case-insensitive file system.
@Suite("Projection folders")
struct ProjectionFolderTests {
    static let hostileNames = [
        "Courses", "courses", "COURSES", "a/b", "a%2Fb", "../../escape", "..", ".", "", ".hidden",
        "nul\u{0}byte", "caf\u{E9}", "cafe\u{301}", "~tilde", String(repeating: "long", count: 100),
        String(repeating: "long", count: 100) + "!",
    ]

    @Test("every hostile name gets its own folder directly under Projections/, distinct ignoring case")
    func hostileNamesStayInsideAndApart() async throws {
        try await withStoreAndDirectory { store, directory in
            let runner = ProjectionRunner(store: store)
            var projections: [ProjectionStore<CourseCatalog>] = []
            for name in Self.hostileNames {
                projections.append(try await runner.register(CourseCatalog(name: name)))
            }
            try await store.append([.courseCreated("1"), .studentEnrolled("a", in: "1")])
            for projection in projections {
                try await waitUntilCaughtUp(projection, in: store)
                #expect(try await projection.get("1")?.students == ["a"], "\(projection.name.debugDescription)")
            }
            await runner.stop()

            let folders = try FileManager.default.contentsOfDirectory(atPath: store.directory + "/Projections")
            #expect(folders.count == Self.hostileNames.count)
            #expect(Set(folders.map { $0.lowercased() }).count == folders.count)
            for folder in folders {
                #expect(!folder.hasPrefix("."), "\(folder)")
                #expect(folder.utf8.count <= 120, "\(folder)")
                #expect(!folder.contains("/"))
            }
            // Nothing was written outside the store's own directory.
            #expect(try directory.contents().allSatisfy { $0.hasPrefix("stores") })

            // Each name reads back its own state after a restart.
            let restarted = ProjectionRunner(store: store)
            for name in Self.hostileNames {
                let projection = try await restarted.register(CourseCatalog(name: name))
                #expect(try await projection.checkpoint == Position(2))
            }
            await restarted.stop()
        }
    }
}
