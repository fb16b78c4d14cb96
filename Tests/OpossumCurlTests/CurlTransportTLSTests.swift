import Foundation
import HummingbirdTLS
import OpossumCurl
import OpossumSync
import OpossumTestSupport
import Testing

@Suite("CurlTransport over TLS")
struct CurlTransportTLSTests {
    @Test func hubsCertificateIsTrustedWithItsCAFileAndPinnedKey() async throws {
        try await withCertificates { certificates in
            try await StandInHub.run(tls: try certificates.serverConfiguration()) { hub in
                let tls = TLSOptions(caFile: certificates.caFile, pinnedPublicKey: certificates.pin)
                let transport = hub.transport(url: "https://127.0.0.1:\(hub.port)", tls: tls)
                let status = try await transport.status()
                #expect(status == hub.siteStatus)
            }
        }
    }

    @Test func hubsCertificateIsNotTrustedWithoutItsCAFile() async throws {
        try await withCertificates { certificates in
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
        try await withCertificates { certificates in
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

/// A certificate authority and a server certificate for 127.0.0.1 and localhost, made
/// with the `openssl` command line.
struct TestCertificates {
    let directory: String
    var caFile: String { directory + "/ca.pem" }
    var certificateFile: String { directory + "/server.pem" }
    var keyFile: String { directory + "/server.key" }
    /// The server's public key pin, `sha256//…`.
    let pin: String

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

/// Runs `body` with fresh certificates in a scratch directory.
func withCertificates<Result>(_ body: (TestCertificates) async throws -> Result) async throws -> Result {
    try await withScratchDirectory("curl-tls") { directory in
        func openssl(_ arguments: [String]) async throws {
            let ending = try await ChildProcess.spawn(
                "/usr/bin/openssl",
                arguments,
                stdout: directory + "/openssl.out",
                stderr: directory + "/openssl.err"
            ).wait()
            let errors = (try? String(contentsOfFile: directory + "/openssl.err", encoding: .utf8)) ?? ""
            try #require(ending == .exited(0), "openssl \(arguments.joined(separator: " ")): \(errors)")
        }
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await openssl(
            ["req", "-x509"] + curve + [
                "-keyout", directory + "/ca.key", "-out", directory + "/ca.pem", "-days", "2", "-subj",
                "/CN=Opossum Test CA",
            ]
        )
        try await openssl(
            ["req"] + curve + [
                "-keyout", directory + "/server.key", "-out", directory + "/server.csr", "-subj", "/CN=localhost",
            ]
        )
        try """
        subjectAltName=IP:127.0.0.1,DNS:localhost
        basicConstraints=CA:FALSE
        extendedKeyUsage=serverAuth
        """.write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
        try await openssl([
            "x509", "-req", "-in", directory + "/server.csr", "-CA", directory + "/ca.pem", "-CAkey",
            directory + "/ca.key", "-CAcreateserial", "-out", directory + "/server.pem", "-days", "2",
            "-extfile", directory + "/server.ext",
        ])
        try await openssl([
            "x509", "-in", directory + "/server.pem", "-pubkey", "-noout", "-out", directory + "/pub.pem",
        ])
        try await openssl([
            "pkey", "-pubin", "-in", directory + "/pub.pem", "-outform", "der", "-out", directory + "/pub.der",
        ])
        try await openssl(["dgst", "-sha256", "-binary", "-out", directory + "/pub.sha256", directory + "/pub.der"])
        let digest = try Data(contentsOf: URL(fileURLWithPath: directory + "/pub.sha256"))
        #expect(digest.count == 32)
        return try await body(TestCertificates(directory: directory, pin: "sha256//" + digest.base64EncodedString()))
    }
}
