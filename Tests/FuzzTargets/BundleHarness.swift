import Foundation
import Opossum
import OpossumSync

/// Fuzzes a site's import of a bundle from head office: the reader and verifier, the
/// header, every kind of body line, and the import behind them.
///
/// The first byte picks how the rest is read (``BundleInputMode``): a whole file, or
/// a header and body the harness seals with the hub's signature so that mutations
/// reach past the checksum. Either way the import must succeed or fail with a
/// ``SyncError`` or ``EventStoreError`` (a message a technician can act on), and the
/// site's store must pass `check` afterwards.
final class BundleHarness: FuzzHarness {
    private struct Stores {
        let hub: FileEventStore
        let hubSigner: SigningIdentity
        let site: FileEventStore
        let siteSync: SiteSync
    }

    private var scratch: FuzzScratch
    private var stores: Stores?
    private var inputsInGeneration = 0

    init() throws {
        scratch = try FuzzScratch(target: .bundle)
    }

    deinit {
        // The stores may still be open; their files go with the directory all the same.
        try? FileManager.default.removeItem(atPath: scratch.root)
    }

    func run(_ input: [UInt8]) throws(FuzzViolation) {
        let stores = try currentStores()
        let bytes: [UInt8]
        switch BundleInputMode(input) {
        case .raw:
            bytes = Array(input.dropFirst())
        case .sealed:
            let body = Placeholders.substitute(
                in: input.dropFirst(),
                site: stores.site.identity.storeId,
                hub: stores.hub.identity.storeId
            )
            do {
                bytes = try stores.hubSigner.sealedBundle(body: body)
            } catch {
                throw FuzzViolation("the harness cannot sign a bundle: \(error)")
            }
        }
        let path = scratch.directory + "/input.bundle"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw FuzzViolation("the harness cannot write \(path)")
        }
        let siteSync = stores.siteSync
        let outcome = Result { () throws -> Void in
            try blocking { _ = try await siteSync.importPull(from: path) }
        }
        if case .failure(let error) = outcome, !(error is SyncError), !(error is EventStoreError) {
            throw FuzzViolation("importing a bundle failed with an error that is not a SyncError: \(error)")
        }
        inputsInGeneration += 1
        if inputsInGeneration >= FuzzScratch.inputsPerGeneration { try endGeneration() }
    }

    private func currentStores() throws(FuzzViolation) -> Stores {
        if let stores { return stores }
        do {
            let directory = try scratch.nextGeneration()
            let made = try blocking { () async throws -> Stores in
                let hub = try await FileEventStore.create(at: directory + "/hub", name: "hub", options: .fuzzing)
                try await HubRole.initialize(hub, name: "head-office")
                let hubSigner = try await SigningIdentity.loadOrCreate(for: hub)
                let site = try await FileEventStore.create(at: directory + "/site", name: "site", options: .fuzzing)
                let siteIdentity = try await SigningIdentity.loadOrCreate(for: site).identity
                _ = try await SiteRegistry.enrol(siteIdentity, hubURL: nil, in: hub)
                let siteSync = try await SiteSync(store: site, hub: hubSigner.identity)
                return Stores(hub: hub, hubSigner: hubSigner, site: site, siteSync: siteSync)
            }
            stores = made
            inputsInGeneration = 0
            return made
        } catch {
            throw FuzzViolation("the harness cannot make its stores: \(error)")
        }
    }

    /// Closes the generation's stores and checks the site's.
    private func endGeneration() throws(FuzzViolation) {
        guard let stores else { return }
        self.stores = nil
        try FuzzScratch.closeAndCheck([stores.hub, stores.site], checking: stores.site, after: inputsInGeneration)
    }
}
