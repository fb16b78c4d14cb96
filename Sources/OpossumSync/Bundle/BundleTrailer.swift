import Crypto
import Foundation

/// The last line of a bundle: a SHA-256 over every byte before it, the number of
/// lines before it, and the writing store's Ed25519 signature of both.
struct BundleTrailer: Codable, Hashable, Sendable {
    /// Lines before the trailer, the header included.
    var lines: UInt64
    /// SHA-256 of every byte before the trailer, as lowercase hex.
    var sha256: String
    /// The signature of ``signedMessage(digest:lines:)``, base64-encoded.
    var signature: String

    /// What the store signs: a label that keeps the signature from meaning anything
    /// else, the digest, and the line count.
    static func signedMessage(digest: [UInt8], lines: UInt64) -> [UInt8] {
        var message = Array("opossum-bundle-1\n".utf8) + digest
        withUnsafeBytes(of: lines.bigEndian) { message.append(contentsOf: $0) }
        return message
    }

    /// The trailer for `lines` lines whose SHA-256 is `digest`, signed by `signer`.
    static func signed(digest: [UInt8], lines: UInt64, by signer: SigningIdentity) throws -> BundleTrailer {
        BundleTrailer(
            lines: lines,
            sha256: digest.hexText,
            signature: try signer.signature(for: signedMessage(digest: digest, lines: lines)).base64EncodedString()
        )
    }

    /// The trailer's line, `{"trailer":{...}}`, without a newline.
    func encodedLine() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(["trailer": self]))
    }

    /// Decodes a trailer line, or `nil` if the line is not one.
    static func decode(line: ArraySlice<UInt8>) -> BundleTrailer? {
        guard line.starts(with: Array("{\"trailer\":".utf8)) else { return nil }
        return try? JSONDecoder().decode([String: BundleTrailer].self, from: Data(line))["trailer"]
    }
}

extension Sequence<UInt8> {
    /// The bytes as lowercase hexadecimal text.
    var hexText: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension SigningIdentity {
    /// `body` (a header line and body lines, each ending in a newline) followed by a
    /// trailer this store signs: the bytes of a bundle as ``BundleWriter`` would write
    /// them.
    ///
    /// For tools that build bundles from parts, such as the fuzzing harness, which lets
    /// the fuzzer's bundles past the checksum and signature to the import behind them.
    package func sealedBundle(body: [UInt8]) throws -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: body)
        let lines = UInt64(body.count { $0 == UInt8(ascii: "\n") })
        let trailer = try BundleTrailer.signed(digest: Array(hasher.finalize()), lines: lines, by: self)
        return body + (try trailer.encodedLine()) + [UInt8(ascii: "\n")]
    }
}
