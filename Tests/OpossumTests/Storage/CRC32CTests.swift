import Foundation
import Testing

@testable import Opossum

/// Every line's checksum is a CRC-32C: the value must be the standard one, however
/// the machine computes it (one stream, three interleaved streams, or tables).
@Suite("CRC-32C")
struct CRC32CTests {
    /// The CRC-32C bit by bit, as its definition reads (reflected, initial and final
    /// value all ones).
    private func reference(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    @Test("the standard check value: CRC-32C of \"123456789\" is e3069283")
    func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test("every length up to three long blocks and beyond, at every alignment, matches the definition")
    func everyLengthMatchesTheDefinition() {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<(3 * 4096 * 2 + 64)).map { _ in UInt8.random(in: 0...255, using: &random) }
        // Each length below 600 (lines are mostly shorter), then a sample up to two rounds of the longest blocks.
        let lengths = Array(0..<600) + stride(from: 600, to: bytes.count - 8, by: 997) + [3 * 4096, 3 * 4096 + 24]
        for length in lengths {
            for offset in [0, 1, 3, 7] {
                let slice = bytes[offset..<(offset + length)]
                let computed = slice.withUnsafeBytes { CRC32C.checksum($0) }
                #expect(computed == reference(slice), "\(length) bytes from offset \(offset)")
            }
        }
    }

    @Test("a checksum continued piece by piece equals the checksum of the whole")
    func continuedChecksumMatchesWhole() {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let whole = bytes.withUnsafeBytes { CRC32C.checksum($0) }
        for _ in 0..<50 {
            let cuts =
                ([0, bytes.count]
                + (0..<Int.random(in: 0...6, using: &random)).map { _ in
                    Int.random(in: 0...bytes.count, using: &random)
                }).sorted()
            var crc: UInt32 = 0
            for (start, end) in zip(cuts, cuts.dropFirst()) {
                crc = bytes.withUnsafeBytes {
                    CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<end]), continuing: crc)
                }
            }
            #expect(crc == whole, "cut at \(cuts)")
        }
    }
}
