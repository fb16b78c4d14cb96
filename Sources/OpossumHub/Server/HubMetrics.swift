import Hummingbird
import Prometheus

/// The server's counters, in a Prometheus registry of its own (not the process-wide
/// metrics system), so that several servers in one process keep separate counts.
final class HubMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    /// Pushes judged (refused ones not counted).
    let pushes: Counter
    /// Pull bundles sent.
    let pulls: Counter
    /// Verdicts given, by outcome.
    let acceptedVerdicts: Counter
    let rejectedVerdicts: Counter
    let duplicateVerdicts: Counter
    /// Body bytes received in pushes and sent in pulls.
    let bytesReceived: Counter
    let bytesSent: Counter
    /// Requests refused for a missing, unknown or misused token.
    let authenticationFailures: Counter
    /// How long judging a push took, from the body received to the verdicts.
    let pushImportDuration: DurationHistogram
    /// Answers by status class, 1xx to 5xx.
    private let responses: [Counter]

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        func counter(_ name: String, _ help: String, labels: [(String, String)] = []) -> Counter {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "opossum_hub",
                    metricName: name,
                    unitName: "total",
                    helpText: help
                ),
                labels: labels
            )
        }
        pushes = counter("pushes", "Push bundles judged.")
        pulls = counter("pulls", "Pull bundles sent.")
        let verdicts = "Verdicts given on pushed batches, by outcome."
        acceptedVerdicts = counter("verdicts", verdicts, labels: [("outcome", "accepted")])
        rejectedVerdicts = counter("verdicts", verdicts, labels: [("outcome", "rejected")])
        duplicateVerdicts = counter("verdicts", verdicts, labels: [("outcome", "duplicate")])
        bytesReceived = counter("received_bytes", "Push body bytes received.")
        bytesSent = counter("sent_bytes", "Pull bundle bytes sent.")
        authenticationFailures = counter("auth_failures", "Requests refused for their token (401 and 403).")
        responses = (1...5).map {
            counter("requests", "Requests answered, by status class.", labels: [("status", "\($0)xx")])
        }
        pushImportDuration = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "opossum_hub",
                metricName: "push_import_duration",
                unitName: "seconds",
                helpText: "Time to verify and judge a push bundle."
            ),
            labels: [],
            buckets: [
                .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5),
                .seconds(30), .seconds(120),
            ]
        )
    }

    /// Counts an answer by its status class.
    func countResponse(_ status: HTTPResponse.Status) {
        let index = status.code / 100 - 1
        guard responses.indices.contains(index) else { return }
        responses[index].increment()
    }

    /// The metrics in the Prometheus text format.
    func text() -> String {
        registry.emitToString()
    }
}
