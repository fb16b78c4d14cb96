import Opossum

extension HubSync {
    /// What the hub knows of the enrolled `site`: how far it has judged the site's
    /// batches (a push resumes after it), how many verdicts it gave, and what the site
    /// reported with its last push.
    public func status(of site: PublicIdentity) async throws -> SiteStatus {
        let state = try await siteStates.state(of: site.storeId, from: store)
        return SiteStatus(
            siteStoreId: site.storeId,
            siteName: site.name,
            hubStoreId: store.identity.storeId,
            hubHead: try await store.status().head.rawValue,
            judgedThrough: state.judgedThrough,
            verdictCount: state.lastNumber,
            reportedCursor: state.contact?.hubCursor,
            lastContact: state.contact?.at
        )
    }
}
