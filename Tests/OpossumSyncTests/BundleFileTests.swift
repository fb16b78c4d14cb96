import Foundation
import Opossum
import Testing

@testable import OpossumSync

/// The bundle container: header, body lines, signed trailer; and what it refuses.
@Suite("bundle files")
struct BundleFileTests {
    /// A site and a hub, each with its identity, and a bundle written by the site.
    struct Setup {
        let directory: String
        let site: SigningIdentity
        let hub: SigningIdentity
        let bundlePath: String
        let lines: [String]

        func header(version: Int = BundleHeader.currentVersion, requires: [String] = []) -> BundleHeader {
            var header = BundleHeader(
                kind: .push,
                requires: requires,
                source: site.identity,
                targetStoreId: hub.identity.storeId,
                firstPosition: 1,
                lastPosition: UInt64(lines.count),
                batchCount: 1,
                eventCount: UInt64(lines.count)
            )
            header.version = version
            return header
        }

        func write(_ header: BundleHeader? = nil, signer: SigningIdentity? = nil, to path: String? = nil) throws {
            let writer = try BundleWriter(
                path: path ?? bundlePath,
                header: header ?? self.header(),
                signer: signer ?? site
            )
            for line in lines { try writer.writeLine(Array(line.utf8)) }
            try writer.finish()
        }

        func open(_ path: String? = nil, trusting known: [PublicIdentity]? = nil) throws -> BundleReader {
            let known = known ?? [site.identity, hub.identity]
            return try BundleReader(
                path: path ?? bundlePath,
                trustedSource: { id in known.first { $0.storeId == id } },
                target: hub.identity.storeId
            )
        }

        func readLines(_ reader: BundleReader) throws -> [String] {
            var lines: [String] = []
            try reader.forEachLine { lines.append(String(decoding: $0, as: UTF8.self)) }
            return lines
        }
    }

    static func withSetup(lineCount: Int = 3, _ body: (Setup) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let (siteStore, site) = try await makeStore("site", in: directory)
            let (hubStore, hub) = try await makeStore("hub", in: directory)
            await siteStore.close()
            await hubStore.close()
            let lines = (0..<lineCount).map { #"{"position":\#($0 + 1),"type":"PartReserved","data":{"n":\#($0)}}"# }
            try await body(
                Setup(directory: directory, site: site, hub: hub, bundlePath: directory + "/out.bundle", lines: lines)
            )
        }
    }

    static func refusal(_ body: () throws -> Void) -> SyncError.Code? {
        do {
            try body()
            return nil
        } catch let error as SyncError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test func aWrittenBundleReadsBackLineForLine() async throws {
        try await Self.withSetup(lineCount: 20_000) { setup in
            try setup.write()
            let reader = try setup.open()
            #expect(reader.header == setup.header().with(createdAt: reader.header.createdAt))
            #expect(try setup.readLines(reader) == setup.lines)
            let contents = try FileManager.default.contentsOfDirectory(atPath: setup.directory)
            #expect(!contents.contains { $0.hasSuffix(".partial") })
        }
    }

    @Test("a malformed body line is refused naming its line of the file, in any part")
    func aMalformedLineIsNamedByItsNumber() async throws {
        try await Self.withSetup { setup in
            let batch = #"{"batch":{"afterHub":0,"count":1,"originFirst":1,"ownKnown":0,"verdictsSeen":0}}"#
            for bad in [0, 3, 6] {
                var lines = Array(repeating: batch, count: 8)
                lines[bad] = #"{"batch":{"afterHub":0,"count":1}}"#
                let forged = Setup(
                    directory: setup.directory,
                    site: setup.site,
                    hub: setup.hub,
                    bundlePath: setup.directory + "/bad-\(bad).bundle",
                    lines: lines
                )
                try forged.write()
                var parts = BundleParts(try forged.open(), linesPerPart: 4)
                await #expect {
                    while try await !parts.next().isEmpty {}
                } throws: { error in
                    let error = error as? SyncError
                    // The header is line 1: body line `bad` (from 0) is line `bad + 2` of the file.
                    return error?.code == .malformed && error?.message.hasSuffix("on line \(bad + 2)") == true
                        && error?.path == forged.bundlePath
                }
            }
        }
    }

    @Test func aBundleCutAtAnyOffsetIsRefusedAsIncomplete() async throws {
        try await Self.withSetup { setup in
            try setup.write()
            let bytes = try Data(contentsOf: URL(fileURLWithPath: setup.bundlePath))
            let cut = setup.directory + "/cut.bundle"
            for length in 0..<bytes.count {
                try bytes.prefix(length).write(to: URL(fileURLWithPath: cut))
                #expect(Self.refusal { _ = try setup.open(cut) } == .truncated, "cut at \(length)")
            }
        }
    }

    @Test func aFlippedByteAnywhereIsRefused() async throws {
        try await Self.withSetup { setup in
            try setup.write()
            let bytes = try Data(contentsOf: URL(fileURLWithPath: setup.bundlePath))
            let trailerStart = bytes.dropLast().lastIndex(of: UInt8(ascii: "\n"))! + 1
            let flipped = setup.directory + "/flipped.bundle"
            for offset in 0..<bytes.count {
                var copy = bytes
                copy[offset] ^= 0x20
                try copy.write(to: URL(fileURLWithPath: flipped))
                let code = Self.refusal { _ = try setup.open(flipped) }
                // The newline before the trailer joins it to the last body line: no trailer is left.
                if offset < trailerStart - 1 {
                    #expect(code == .damaged, "flipped byte \(offset) before the trailer")
                } else {
                    #expect(code != nil, "flipped byte \(offset) in the trailer")
                }
            }
        }
    }

    @Test func aBundleSignedWithAnotherKeyIsRefusedAsForged() async throws {
        try await Self.withSetup { setup in
            // The hub's key signs a bundle that claims to come from the site.
            try setup.write(signer: setup.hub)
            #expect(Self.refusal { _ = try setup.open() } == .forged)
        }
    }

    @Test func aBundleFromAStoreNotEnrolledIsRefused() async throws {
        try await Self.withSetup { setup in
            try setup.write()
            #expect(Self.refusal { _ = try setup.open(trusting: [setup.hub.identity]) } == .unknownSource)
        }
    }

    @Test func aBundleForAnotherStoreIsRefused() async throws {
        try await Self.withSetup { setup in
            var header = setup.header()
            header.targetStoreId = UUID()
            try setup.write(header)
            #expect(Self.refusal { _ = try setup.open() } == .wrongTarget)
        }
    }

    @Test func aNewerVersionOrAnUnknownCapabilityIsRefused() async throws {
        try await Self.withSetup { setup in
            try setup.write(setup.header(version: BundleHeader.currentVersion + 1))
            #expect(Self.refusal { _ = try setup.open() } == .unsupported)
            try FileManager.default.removeItem(atPath: setup.bundlePath)
            try setup.write(setup.header(requires: ["teleportation"]))
            #expect(Self.refusal { _ = try setup.open() } == .unsupported)
        }
    }

    @Test func aLineWithANewlineIsRefusedByTheWriter() async throws {
        try await Self.withSetup { setup in
            let writer = try BundleWriter(path: setup.bundlePath, header: setup.header(), signer: setup.site)
            #expect(Self.refusal { try writer.writeLine(Array("{\n}".utf8)) } == .malformed)
        }
    }

    @Test func theSigningKeyIsKeptPrivateAndStable() async throws {
        try await withTemporaryDirectory { directory in
            let (store, first) = try await makeStore("laptop", in: directory)
            let second = try await SigningIdentity.loadOrCreate(for: store)
            await store.close()
            #expect(first.identity == second.identity)
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/laptop/Sync/identity.key")
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }
}

extension BundleHeader {
    func with(createdAt: Date) -> BundleHeader {
        var copy = self
        copy.createdAt = createdAt
        return copy
    }
}

/// Compressed bundles: gzip around the same bundle, recognised by its magic bytes.
@Suite("compressed bundles")
struct CompressedBundleTests {
    @Test func aCompressedBundleReadsBackLikeAPlainOneAndIsSmaller() async throws {
        try await BundleFileTests.withSetup(lineCount: 5_000) { setup in
            let plain = setup.directory + "/plain.bundle"
            let packed = setup.directory + "/packed.bundle"
            try setup.write(to: plain)
            let writer = try BundleWriter(path: packed, header: setup.header(), signer: setup.site, compressed: true)
            for line in setup.lines { try writer.writeLine(Array(line.utf8)) }
            try writer.finish()
            let plainSize = try FileManager.default.attributesOfItem(atPath: plain)[.size] as! Int
            let packedSize = try FileManager.default.attributesOfItem(atPath: packed)[.size] as! Int
            #expect(packedSize * 3 < plainSize)
            let reader = try setup.open(packed)
            #expect(reader.wasCompressed)
            #expect(try setup.readLines(reader) == setup.lines)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: setup.directory)
            #expect(!leftovers.contains { $0.hasSuffix(".partial") || $0.hasSuffix(".gz") })
        }
    }

    @Test func aCompressedBundleCutShortOrDamagedIsRefused() async throws {
        try await BundleFileTests.withSetup(lineCount: 2_000) { setup in
            let writer = try BundleWriter(
                path: setup.bundlePath,
                header: setup.header(),
                signer: setup.site,
                compressed: true
            )
            for line in setup.lines { try writer.writeLine(Array(line.utf8)) }
            try writer.finish()
            let bytes = try Data(contentsOf: URL(fileURLWithPath: setup.bundlePath))
            let broken = setup.directory + "/broken.bundle"
            for length in stride(from: 2, to: bytes.count, by: max(1, bytes.count / 40)) {
                try bytes.prefix(length).write(to: URL(fileURLWithPath: broken))
                #expect(BundleFileTests.refusal { _ = try setup.open(broken) } != nil, "cut at \(length)")
            }
            for offset in stride(from: 10, to: bytes.count - 8, by: max(1, bytes.count / 40)) {
                var copy = bytes
                copy[offset] ^= 0x55
                try copy.write(to: URL(fileURLWithPath: broken))
                #expect(BundleFileTests.refusal { _ = try setup.open(broken) } != nil, "flipped byte \(offset)")
            }
        }
    }
}
