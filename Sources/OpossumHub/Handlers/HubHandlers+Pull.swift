import Foundation
import Hummingbird
import Opossum
import OpossumSync

extension HubHandlers {
    /// `GET /v1/sites/{site}/pull`: writes the site's pull bundle into the spool and
    /// streams it, with its length; the file is gone once the answer ends.
    func pull(_ request: Request, context: HubRequestContext) async throws -> Response {
        let site = try await authorize(request, context: context)
        let query = try PullQuery(request.uri.queryParameters, ceiling: configuration.pullMaximumEvents)
        let start = ContinuousClock.now
        let file = spool.newFile("pull")
        let summary: BundleSummary
        let input: OpenFile
        let size: UInt64
        do {
            summary = try await hubSync.exportPull(
                for: site.identity,
                after: query.after,
                verdictsAfter: query.verdictsAfter,
                to: file,
                maximumEvents: query.maximumEvents,
                compressed: query.compressed,
                // Served once and deleted: if it is lost, the site asks again.
                durable: false
            )
            (input, size) = try await spool.openForSending(file)
        } catch {
            await spool.remove(file)
            throw HubHTTPError.internalError("the hub could not write the pull bundle: \(Self.describe(error))")
        }
        metrics.pulls.increment()
        let header = summary.header
        logger.info(
            "pull sent",
            metadata: [
                "site": "\(site.name)", "siteStoreId": "\(site.storeId.uuidString)",
                "after": "\(query.after)", "through": "\(header.lastPosition)",
                "events": "\(header.eventCount)", "batches": "\(header.batchCount)",
                "verdictsAfter": "\(query.verdictsAfter)", "bytes": "\(size)",
                "ms": "\(Self.milliseconds(since: start))",
            ]
        )
        let metrics = metrics
        return Response(
            status: .ok,
            headers: [.contentType: Self.bundleMediaType],
            body: SpoolDirectory.responseBody(sending: input, size: size) { sent in
                metrics.bytesSent.increment(by: Int64(sent))
            }
        )
    }

    /// An error's message, without the spool path the client cannot use.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as SyncError: error.message
        case let error as EventStoreError: error.message
        default: "\(error)"
        }
    }
}
