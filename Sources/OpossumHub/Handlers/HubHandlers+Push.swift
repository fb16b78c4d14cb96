import Foundation
import Hummingbird
import Opossum
import OpossumSync

extension HubHandlers {
    /// `POST /v1/sites/{site}/push`: receives the bundle into the spool, judges it and
    /// answers the verdicts as a ``PushReceipt``.
    ///
    /// A refusal before the body is read (token, size, shutdown) closes the connection
    /// after answering rather than read a body it will not use. The spool file is
    /// removed whatever happens.
    func push(_ request: Request, context: HubRequestContext) async throws -> Response {
        let site: EnrolledSite
        do {
            site = try await authorize(request, context: context)
            guard !lifecycle.isShuttingDown else { throw HubHTTPError.shuttingDown }
            let limit = configuration.maximumBodySize
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
                throw HubHTTPError.tooLarge(limit: limit)
            }
        } catch var error as HubHTTPError {
            error.closesConnection = true
            throw error
        }
        let start = ContinuousClock.now
        let file = spool.newFile("push")
        do {
            let size: Int
            do {
                size = try await spool.receive(request.body, into: file, limit: configuration.maximumBodySize)
            } catch let error as HubHTTPError {
                throw error
            } catch let error as EventStoreError {
                throw HubHTTPError.internalError("the hub could not spool the push: \(error.message)")
            } catch {
                // The body stream failed: the site's connection broke, not the hub.
                throw HubHTTPError.uploadInterrupted
            }
            metrics.bytesReceived.increment(by: Int64(size))
            let received = ContinuousClock.now
            let verdicts = try await siteLocks.withLock(for: site.storeId) {
                try await hubSync.importPush(from: file, trusting: [site.identity]).verdicts
            }
            metrics.pushImportDuration.record(ContinuousClock.now - received)
            await spool.remove(file)
            let receipt = PushReceipt(verdicts: verdicts)
            record(receipt, from: site, bytes: size, since: start)
            return try Self.json(receipt)
        } catch {
            await spool.remove(file)
            throw refusal(error, site: site)
        }
    }

    /// Counts and logs a judged push.
    private func record(
        _ receipt: PushReceipt,
        from site: EnrolledSite,
        bytes: Int,
        since start: ContinuousClock.Instant
    ) {
        metrics.pushes.increment()
        metrics.acceptedVerdicts.increment(by: Int64(receipt.acceptedCount))
        metrics.rejectedVerdicts.increment(by: Int64(receipt.rejectedCount))
        metrics.duplicateVerdicts.increment(by: Int64(receipt.duplicateCount))
        let events = receipt.verdicts.filter { !$0.isDuplicate }.reduce(0) { $0 + $1.verdict.count }
        logger.info(
            "push judged",
            metadata: [
                "site": "\(site.name)", "siteStoreId": "\(site.storeId.uuidString)",
                "batches": "\(receipt.verdicts.count)", "events": "\(events)",
                "accepted": "\(receipt.acceptedCount)", "rejected": "\(receipt.rejectedCount)",
                "duplicate": "\(receipt.duplicateCount)", "bytes": "\(bytes)",
                "ms": "\(Self.milliseconds(since: start))",
            ]
        )
    }

    /// The answer to a push that failed after its body began to arrive, logged.
    private func refusal(_ error: any Error, site: EnrolledSite) -> HubHTTPError {
        let answer: HubHTTPError =
            switch error {
            case let error as HubHTTPError: error
            case let error as SyncError: .refused(error, site: site)
            case let error as EventStoreError where error.code.isRefusal:
                // An event the hub's store refuses, or over its limits: sending it again
                // cannot help, so not a 5xx (which the site would retry).
                HubHTTPError(
                    status: .badRequest,
                    code: error.code.rawValue,
                    message: "head office's store refuses the push: \(error.message)"
                )
            case let error as EventStoreError: .internalError("the hub could not store the push: \(error.message)")
            default: .internalError("the hub could not receive the push: \(error)")
            }
        if answer.status == .forbidden { metrics.authenticationFailures.increment() }
        logger.log(
            level: answer.code == HubHTTPError.uploadInterrupted.code ? .notice : .warning,
            "push refused",
            metadata: [
                "site": "\(site.name)", "siteStoreId": "\(site.storeId.uuidString)",
                "status": "\(answer.status.code)", "code": "\(answer.code)", "reason": "\(answer.message)",
            ]
        )
        return answer
    }
}
