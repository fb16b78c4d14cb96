import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Opossum
import OpossumHub
import OpossumSync

/// Fuzzes the hub's handling of push bodies: `POST /v1/sites/{site}/push` as a site
/// with a valid token sends it, answered by the hub's own handlers in process.
///
/// The first byte picks how the rest is read (``BundleInputMode``): a whole body, or
/// a header and body the harness seals with the site's signature so that mutations
/// reach the hub's re-validation. Whatever the body, the hub must answer 200 with
/// verdicts, or refuse it with 400, 403 or 413: a 5xx would make the site resend the
/// same bytes for ever. The same body sent again must get the same answer (every
/// verdict now a duplicate), no spool file may be left, and the hub's store must pass
/// `check` afterwards.
final class HubPushHarness: FuzzHarness {
    private struct Hub {
        let store: FileEventStore
        let server: HubServer
        let siteSigner: SigningIdentity
        let token: String
        let spool: String

        var pushPath: String { "/v1/sites/\(siteSigner.identity.storeId.uuidString)/push" }
    }

    /// The answers a body may get.
    private static let acceptableStatuses: Set<Int> = [200, 400, 403, 413]

    private var scratch: FuzzScratch
    private var hub: Hub?
    private var inputsInGeneration = 0

    init() throws {
        scratch = try FuzzScratch(target: .hubPush)
    }

    deinit {
        // The stores may still be open; their files go with the directory all the same.
        try? FileManager.default.removeItem(atPath: scratch.root)
    }

    func run(_ input: [UInt8]) throws(FuzzViolation) {
        let hub = try currentHub()
        let body: [UInt8]
        switch BundleInputMode(input) {
        case .raw:
            body = Array(input.dropFirst())
        case .sealed:
            let parts = Placeholders.substitute(
                in: input.dropFirst(),
                site: hub.siteSigner.identity.storeId,
                hub: hub.store.identity.storeId
            )
            do {
                body = try hub.siteSigner.sealedBundle(body: parts)
            } catch {
                throw FuzzViolation("the harness cannot sign a bundle: \(error)")
            }
        }
        let first = try push(body, to: hub)
        let second = try push(body, to: hub)
        try Self.checkResend(first: first, second: second)
        try checkSpoolIsEmpty(hub)
        inputsInGeneration += 1
        if inputsInGeneration >= FuzzScratch.inputsPerGeneration { try endGeneration() }
    }

    /// The hub's answer to one push: its status and, for a 200, its receipt.
    private struct Answer {
        var status: Int
        var receipt: PushReceipt?
        var text: String
    }

    private func push(_ body: [UInt8], to hub: Hub) throws(FuzzViolation) -> Answer {
        let application = hub.server.inProcessApplication()
        let path = hub.pushPath
        let token = hub.token
        let response: (Int, [UInt8])
        do {
            response = try blocking {
                try await application.test(.router) { client in
                    try await client.execute(
                        uri: path,
                        method: .post,
                        headers: [.authorization: "Bearer \(token)", .contentLength: "\(body.count)"],
                        body: ByteBuffer(bytes: body)
                    ) { response in
                        (response.status.code, Array(buffer: response.body))
                    }
                }
            }
        } catch {
            throw FuzzViolation("the push could not be sent in process: \(error)")
        }
        let (status, bytes) = response
        let text = String(decoding: bytes, as: UTF8.self)
        guard Self.acceptableStatuses.contains(status) else {
            throw FuzzViolation("the hub answered a push body with \(status): \(text)")
        }
        guard status == 200 else { return Answer(status: status, receipt: nil, text: text) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let receipt = try? decoder.decode(PushReceipt.self, from: Data(bytes)) else {
            throw FuzzViolation("the hub's 200 is not a push receipt: \(text)")
        }
        return Answer(status: status, receipt: receipt, text: text)
    }

    /// A resend is answered as the original was, with every verdict marked a duplicate.
    private static func checkResend(first: Answer, second: Answer) throws(FuzzViolation) {
        guard first.status == second.status else {
            throw FuzzViolation(
                "the same push was answered \(first.status) (\(first.text)), then \(second.status) (\(second.text))"
            )
        }
        guard let original = first.receipt, let resent = second.receipt else { return }
        let expected = original.verdicts.map { BatchVerdict(verdict: $0.verdict, isDuplicate: true) }
        guard resent.verdicts == expected else {
            throw FuzzViolation(
                "a resent push got other verdicts: \(original.verdicts) the first time, \(resent.verdicts) the second"
            )
        }
    }

    private func checkSpoolIsEmpty(_ hub: Hub) throws(FuzzViolation) {
        let left = (try? FileManager.default.contentsOfDirectory(atPath: hub.spool)) ?? []
        guard left.isEmpty else {
            throw FuzzViolation("a push left files in the hub's spool directory: \(left)")
        }
    }

    private func currentHub() throws(FuzzViolation) -> Hub {
        if let hub { return hub }
        do {
            let directory = try scratch.nextGeneration()
            let made = try blocking { () async throws -> Hub in
                let store = try await FileEventStore.create(at: directory + "/hub", name: "hub", options: .fuzzing)
                try await HubRole.initialize(store, name: "head-office")
                let site = try await FileEventStore.create(at: directory + "/site", name: "site", options: .fuzzing)
                let siteSigner = try await SigningIdentity.loadOrCreate(for: site)
                await site.close()
                let (_, token) = try await SiteRegistry.enrol(siteSigner.identity, hubURL: nil, in: store)
                let spool = directory + "/spool"
                var logger = Logger(label: "opossum-fuzz")
                logger.logLevel = .critical
                let server = try await HubServer(
                    store: store,
                    configuration: HubServer.Configuration(maximumBodySize: 1 << 20, spoolDirectory: spool),
                    logger: logger
                )
                return Hub(store: store, server: server, siteSigner: siteSigner, token: token, spool: spool)
            }
            hub = made
            inputsInGeneration = 0
            return made
        } catch {
            throw FuzzViolation("the harness cannot make its hub: \(error)")
        }
    }

    /// Closes the generation's hub store and checks it.
    private func endGeneration() throws(FuzzViolation) {
        guard let hub else { return }
        self.hub = nil
        try FuzzScratch.closeAndCheck([hub.store], checking: hub.store, after: inputsInGeneration)
    }
}
