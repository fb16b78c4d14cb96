import Foundation

/// A certificate authority and a server certificate for 127.0.0.1 and localhost, made
/// with the `openssl` command line, for the tests of sync over HTTPS.
public struct TestCertificates: Sendable {
    /// The directory holding the files.
    public let directory: String
    /// The authority's certificate, the file a site passes as its CA file.
    public var caFile: String { directory + "/ca.pem" }
    /// The server's certificate, signed by the authority.
    public var certificateFile: String { directory + "/server.pem" }
    /// The server's private key.
    public var keyFile: String { directory + "/server.key" }
    /// The server's public key pin, `sha256//…`.
    public let pin: String

    /// `openssl` failed; its standard error says why.
    public struct Failure: Error, CustomStringConvertible {
        /// What was run, and what it said.
        public let description: String
    }

    /// Runs `body` with fresh certificates in a scratch directory.
    public static func with<Result>(_ body: (TestCertificates) async throws -> Result) async throws -> Result {
        try await withScratchDirectory("opossum-tls") { directory in
            try await body(try await make(in: directory))
        }
    }

    /// Makes the authority, the server's key and certificate, and the key's pin in `directory`.
    private static func make(in directory: String) async throws -> TestCertificates {
        func openssl(_ arguments: [String]) async throws {
            let ending = try await ChildProcess.spawn(
                "/usr/bin/openssl",
                arguments,
                stdout: directory + "/openssl.out",
                stderr: directory + "/openssl.err"
            ).wait()
            guard ending == .exited(0) else {
                let errors = (try? String(contentsOfFile: directory + "/openssl.err", encoding: .utf8)) ?? ""
                throw Failure(description: "openssl \(arguments.joined(separator: " ")): \(errors)")
            }
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
        guard digest.count == 32 else { throw Failure(description: "the key's SHA-256 is \(digest.count) bytes") }
        return TestCertificates(directory: directory, pin: "sha256//" + digest.base64EncodedString())
    }
}
