import Foundation
import HummingbirdTLS
import OpossumCurl
import OpossumSync
import OpossumTestSupport
import Testing

@Suite("CurlTransport over TLS")
struct CurlTransportTLSTests {
    @Test func hubsCertificateIsTrustedWithItsCAFileAndPinnedKey() async throws {
        try await TestCertificates.with { certificates in
            try await StandInHub.run(tls: try certificates.serverConfiguration()) { hub in
                let tls = TLSOptions(caFile: certificates.caFile, pinnedPublicKey: certificates.pin)
                let transport = hub.transport(url: "https://127.0.0.1:\(hub.port)", tls: tls)
                let status = try await transport.status()
                #expect(status == hub.siteStatus)
            }
        }
    }

    @Test func hubsCertificateIsNotTrustedWithoutItsCAFile() async throws {
        try await TestCertificates.with { certificates in
            try await StandInHub.run(tls: try certificates.serverConfiguration()) { hub in
                let sleeps = SleepRecorder()
                let url = "https://127.0.0.1:\(hub.port)"
                let error = await #expect(throws: TransportError.self) {
                    try await hub.transport(url: url, attempts: 3, sleeps: sleeps).status()
                }
                #expect(error?.code == .tls)
                #expect(error?.message.hasPrefix("TLS certificate of \(url)/v1/sites/") == true)
                #expect(error?.message.contains("not trusted") == true)
                #expect(error?.message.hasSuffix("pass the hub's CA file with --ca-file") == true)
                #expect(sleeps.recorded.isEmpty)
                #expect(hub.count(.status) == 0)
            }
        }
    }

    @Test func hubWithAnotherPublicKeyThanThePinnedOneIsRefused() async throws {
        try await TestCertificates.with { certificates in
            try await StandInHub.run(tls: try certificates.serverConfiguration()) { hub in
                let wrongPin = "sha256//" + Data(repeating: 7, count: 32).base64EncodedString()
                let tls = TLSOptions(caFile: certificates.caFile, pinnedPublicKey: wrongPin)
                let error = await #expect(throws: TransportError.self) {
                    try await hub.transport(url: "https://127.0.0.1:\(hub.port)", attempts: 3, tls: tls).status()
                }
                #expect(error?.code == .tls)
                #expect(error?.message.contains("does not match the pinned key") == true)
                #expect(hub.count(.status) == 0)
            }
        }
    }

    @Test func plainHTTPHubAskedForTLSIsATLSFailure() async throws {
        try await StandInHub.run { hub in
            let error = await #expect(throws: TransportError.self) {
                try await hub.transport(url: "https://127.0.0.1:\(hub.port)", attempts: 3).status()
            }
            #expect(error?.code == .tls)
        }
    }
}

extension TestCertificates {
    /// The server side's TLS configuration.
    func serverConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
    }
}
