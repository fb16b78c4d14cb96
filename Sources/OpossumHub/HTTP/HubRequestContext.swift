import Hummingbird
import NIOCore

/// The context of one request to the hub: Hummingbird's core context, and the
/// connection, which a refusal closes after answering instead of reading a large
/// body it will not use.
struct HubRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connection the request arrived on.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = CoreRequestContextStorage(source: source)
        self.channel = source.channel
    }
}
