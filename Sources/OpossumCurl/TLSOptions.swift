/// How a site checks its hub's TLS certificate and proves itself to the hub.
///
/// With no options, the hub's certificate is checked against the system's certificate
/// authorities, as a browser would. A hub with a certificate of its own making needs
/// its CA file; a pinned key additionally refuses any certificate whose public key is
/// not the expected one, even if a trusted authority signed it.
public struct TLSOptions: Hashable, Sendable {
    /// A PEM file of the certificate authorities to trust instead of the system's
    /// (`CURLOPT_CAINFO`).
    public var caFile: String?
    /// A PEM file with this site's client certificate, for a hub that asks for one
    /// (`CURLOPT_SSLCERT`).
    public var clientCertificateFile: String?
    /// The PEM file with the client certificate's private key (`CURLOPT_SSLKEY`).
    public var clientKeyFile: String?
    /// The hub's public key, as `sha256//` and the base64 SHA-256 of its DER form;
    /// several may be joined with `;` (`CURLOPT_PINNEDPUBLICKEY`).
    ///
    /// Make it with
    /// `openssl x509 -in hub.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`.
    public var pinnedPublicKey: String?

    /// Makes TLS options; with no arguments, the system's certificate authorities.
    public init(
        caFile: String? = nil,
        clientCertificateFile: String? = nil,
        clientKeyFile: String? = nil,
        pinnedPublicKey: String? = nil
    ) {
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.pinnedPublicKey = pinnedPublicKey
    }
}
