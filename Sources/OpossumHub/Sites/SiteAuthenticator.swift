import Opossum
import OpossumSync

/// Finds the site a bearer token belongs to, from the hub's registry as its log says
/// now.
///
/// The registry is folded from the log, and folded again whenever the store's head
/// has moved since: a site enrolled or removed by another process (`opossum hub
/// add-site`, `remove-site`) is seen on the next request, because reading the head
/// catches up with other processes' commits.
actor SiteAuthenticator {
    private let store: FileEventStore
    private var cached: (head: Position, registry: SiteRegistry)?

    init(store: FileEventStore) {
        self.store = store
    }

    /// The site whose token is `token`, or `nil`; compared in constant time.
    func site(authenticatedBy token: String) async throws -> EnrolledSite? {
        try await registry().site(authenticatedBy: token)
    }

    /// The registry as of the store's current head.
    private func registry() async throws -> SiteRegistry {
        let head = try await store.status().head
        if let cached, cached.head == head { return cached.registry }
        let registry = try await SiteRegistry.load(from: store)
        // Keyed by the head read before loading: if more was committed meanwhile, the
        // next request sees a new head and loads again.
        cached = (head, registry)
        return registry
    }
}
