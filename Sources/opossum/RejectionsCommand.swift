import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum rejections`: the site's decisions head office rejected, and why.
struct RejectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejections",
        abstract: "List this site's decisions that head office rejected, and why.",
        discussion: """
            A rejected decision was made on facts that did not hold at head office — \
            someone else took the last part first, say. Its events stay in this store's \
            log for the record, but reads, conditions and projections no longer see them \
            (`opossum read --include-rejected` shows them). Prints one line per rejected \
            batch: {"verdict": N, "outcome": "rejected", "sitePositions": "A-B", \
            "hubPosition": N, "reason": "..."}.

            Example:
              opossum rejections --store ~/events
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let rejected = try await storeOptions.withStore { store in
            try await SiteSync.verdicts(in: store).filter { $0.outcome == .rejected }
        }
        let output = StandardOutput()
        for verdict in rejected { try output.writeLine(SyncPeers.line(verdict)) }
        try output.flush()
    }
}
