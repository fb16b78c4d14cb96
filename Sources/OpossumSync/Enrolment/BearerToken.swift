import Crypto
import Foundation

/// The secret a site shows its hub on every request, and what the hub keeps of it.
///
/// The hub stores only the token's SHA-256, so a copy of the hub's log does not let
/// anyone speak for a site. Tokens are compared by their digests, byte by byte to the
/// end whatever the bytes hold, so the time a check takes says nothing about how
/// close a guess came.
enum BearerToken {
    /// The number of bytes in a SHA-256 digest.
    static let digestLength = 32

    /// A fresh token: 256 random bits, base64url-encoded without padding (43 characters).
    static func make() -> String {
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The SHA-256 digest of the token's UTF-8 bytes.
    static func digest(of token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(token.utf8)))
    }

    /// The SHA-256 digest of the token as lowercase hex: what the hub stores.
    static func hash(of token: String) -> String {
        digest(of: token).map { byte in
            let text = String(byte, radix: 16)
            return byte < 0x10 ? "0" + text : text
        }.joined()
    }

    /// The digest that `hash` holds in lowercase hex, or `nil` if it is not 64 such digits.
    static func digest(fromHash hash: String) -> [UInt8]? {
        let digits = Array(hash.utf8)
        guard digits.count == 2 * digestLength else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digestLength)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(ofDigit: digits[index]), let low = value(ofDigit: digits[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// Whether two digests are equal, looking at every byte of both whatever they hold.
    static func equalInConstantTime(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        guard first.count == second.count else { return false }
        var difference: UInt8 = 0
        for index in first.indices {
            difference |= first[index] ^ second[index]
        }
        return difference == 0
    }

    /// The value of one lowercase hex digit.
    private static func value(ofDigit digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
