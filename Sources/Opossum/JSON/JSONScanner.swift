import Foundation

/// A forward-only JSON scanner over bytes, for the store's hot paths.
///
/// It reads the few shapes the store needs (objects with known keys, strings,
/// unsigned integers) and can step over any value — validating it strictly against
/// RFC 8259 — without building it. That is how a segment line's `data` is located
/// without being decoded, and how an appended payload is checked for validity.
package struct JSONScanner: ~Copyable {
    package let bytes: UnsafeRawBufferPointer
    /// The offset of the next unread byte.
    package var index: Int

    /// The deepest nesting of arrays and objects accepted, so hostile input cannot exhaust memory.
    static let maximumDepth = 512

    package init(_ bytes: UnsafeRawBufferPointer, at index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    var isAtEnd: Bool { index >= bytes.count }

    package func fail(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: index, reason: reason)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The next non-whitespace byte, without consuming it.
    @inline(__always)
    package mutating func peek() throws(JSONSyntaxError) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of text") }
        return bytes[index]
    }

    /// Consumes `byte` (after whitespace) or fails.
    @inline(__always)
    package mutating func expect(_ byte: UInt8) throws(JSONSyntaxError) {
        guard try peek() == byte else {
            throw fail("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        index += 1
    }

    /// Consumes `byte` (after whitespace) if it is next.
    @inline(__always)
    package mutating func consume(_ byte: UInt8) throws(JSONSyntaxError) -> Bool {
        if try peek() == byte {
            index += 1
            return true
        }
        return false
    }

    /// Takes the next `count` bytes as they are, or `nil` if fewer are left.
    @inline(__always)
    mutating func take(_ count: Int) -> UnsafeRawBufferPointer? {
        guard bytes.count - index >= count else { return nil }
        defer { index += count }
        return UnsafeRawBufferPointer(rebasing: bytes[index..<(index + count)])
    }

    /// Consumes the exact bytes of `literal` (no whitespace skipping) if they are next.
    @inline(__always)
    package mutating func consumeLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        guard Self.sameBytes(bytes.baseAddress! + index, UnsafeRawPointer(literal.utf8Start), count: count) else {
            return false
        }
        index += count
        return true
    }

    /// Whether the `count` bytes at `first` and at `second` are equal, compared a
    /// word at a time for the short keys and literals of segment lines.
    @inline(__always)
    private static func sameBytes(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer, count: Int) -> Bool {
        switch count {
        case 8...16:
            // Two overlapping 8-byte words cover 8 to 16 bytes.
            return first.loadUnaligned(as: UInt64.self) == second.loadUnaligned(as: UInt64.self)
                && (first + count - 8).loadUnaligned(as: UInt64.self)
                    == (second + count - 8).loadUnaligned(as: UInt64.self)
        case 4..<8:
            return first.loadUnaligned(as: UInt32.self) == second.loadUnaligned(as: UInt32.self)
                && (first + count - 4).loadUnaligned(as: UInt32.self)
                    == (second + count - 4).loadUnaligned(as: UInt32.self)
        default:
            return memcmp(first, second, count) == 0
        }
    }

    // MARK: Strings

    /// Reads a string and returns its decoded text.
    package mutating func readString() throws(JSONSyntaxError) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        // Fast path: no escapes, which is nearly every type, tag and id.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail("control character in string") }
            index += 1
        }
        var decoded = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while true {
            guard index < bytes.count else { throw fail("unterminated string") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try readEscape(into: &decoded)
            case ..<0x20:
                index -= 1
                throw fail("control character in string")
            default:
                decoded.append(byte)
            }
        }
    }

    /// Reads a string and hands its decoded UTF-8 bytes to `body` without making a
    /// `String`: the bytes are the input itself when the string has no escapes.
    @inline(__always)
    mutating func withStringBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(JSONSyntaxError) -> Result
    ) throws(JSONSyntaxError) -> Result {
        try expect(UInt8(ascii: "\""))
        let start = index
        while index < bytes.count {
            // Ids and timestamps are 36 and 27 plain bytes.
            skipPlainBytes()
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return try body(UnsafeRawBufferPointer(rebasing: bytes[start..<(index - 1)]))
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        // Escapes: decode into a scratch buffer.
        index = start - 1
        var text = try readString()
        return try text.withUTF8 { buffer in
            Swift.Result { () throws(JSONSyntaxError) -> Result in try body(UnsafeRawBufferPointer(buffer)) }
        }.get()
    }

    /// Steps over one value of a line whose checksum was verified, tracking only
    /// strings and nesting, and returns the range it occupied.
    ///
    /// Unlike ``skipValue()`` it does not validate: the bytes were validated when
    /// appended and the checksum shows they have not changed since. Malformed input
    /// yields a wrong range, never an out-of-bounds read.
    mutating func skipVerifiedValue() -> Range<Int> {
        skipWhitespace()
        let start = index
        var depth = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index = endOfVerifiedString(after: index)
                if depth == 0 { return start..<index }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return start..<index }
                depth -= 1
                if depth == 0 {
                    index += 1
                    return start..<index
                }
            case UInt8(ascii: ","):
                if depth == 0 { return start..<index }
            default:
                break
            }
            index += 1
        }
        return start..<min(index, bytes.count)
    }

    /// The offset just past the string whose opening quote is at `quote`: the first
    /// quote not escaped by a backslash, looked for eight bytes at a time (most of a
    /// payload is string content, in strings too short for a `memchr` call to pay).
    private func endOfVerifiedString(after quote: Int) -> Int {
        var at = quote + 1
        while true {
            at = plainBytesEnd(from: at, stoppingAtControl: false)
            guard at < bytes.count else { return bytes.count }
            switch bytes[at] {
            case UInt8(ascii: "\""): return at + 1
            // A verified escape is a backslash and one more byte (`\u` and four hex digits).
            case UInt8(ascii: "\\"): at += 2
            default: at += 1
            }
        }
    }

    /// A mask whose lowest set bit is the high bit of the first quote or backslash
    /// among the eight bytes of `word` (the first in memory is the lowest), or 0 if
    /// there is none. Bits above the lowest may be set falsely.
    @inline(__always)
    private static func quotesAndBackslashes(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        // The classic zero-byte test: exact up to the first zero byte, whose high bit it sets.
        func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highBits }
        return zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
    }

    private mutating func readEscape(into decoded: inout [UInt8]) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw fail("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): decoded.append(0x22)
        case UInt8(ascii: "\\"): decoded.append(0x5C)
        case UInt8(ascii: "/"): decoded.append(0x2F)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard consumeLiteral("\\u") else { throw fail("unpaired surrogate in string") }
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate in string") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw fail("unpaired surrogate in string")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid Unicode escape") }
            decoded.append(contentsOf: UTF8.encode(unicode)!)
        default:
            index -= 1
            throw fail("invalid escape in string")
        }
    }

    private mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw fail("truncated Unicode escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in Unicode escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Steps over a string, checking escapes, without decoding it.
    private mutating func skipString() throws(JSONSyntaxError) {
        index += 1  // the opening quote
        var scratch: [UInt8] = []
        while index < bytes.count {
            skipPlainBytes()
            guard index < bytes.count else { break }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return
            case UInt8(ascii: "\\"):
                scratch.removeAll(keepingCapacity: true)
                try readEscape(into: &scratch)
            case ..<0x20:
                index -= 1
                throw fail("control character in string")
            default:
                continue
            }
        }
        throw fail("unterminated string")
    }

    /// Steps over string content eight plain bytes (no quote, backslash or control
    /// character) at a time, and stops at the first byte to look at: on it, or, when
    /// fewer than eight bytes are left, within them.
    @inline(__always)
    private mutating func skipPlainBytes() {
        index = plainBytesEnd(from: index, stoppingAtControl: true)
    }

    /// Where string content from `start` stops being plain, looked at eight bytes at a
    /// time: the first quote or backslash (and control character, if asked), or the
    /// start of the last bytes, fewer than eight, when none comes before them.
    @inline(__always)
    private func plainBytesEnd(from start: Int, stoppingAtControl: Bool) -> Int {
        var at = start
        while at + 8 <= bytes.count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            let found = stoppingAtControl ? Self.endsAndEscapes(in: word) : Self.quotesAndBackslashes(in: word)
            if found != 0 { return at + found.trailingZeroBitCount / 8 }
            at += 8
        }
        return at
    }

    /// A mask whose lowest set bit is the high bit of the first quote, backslash or
    /// control character among the eight bytes of `word` (the first in memory is the
    /// lowest): the bytes a string's scan must look at one by one. 0 if there is none;
    /// bits above the lowest may be set falsely.
    @inline(__always)
    private static func endsAndEscapes(in word: UInt64) -> UInt64 {
        // The zero-byte test of `quotesAndBackslashes(in:)`, shifted to bytes below 0x20:
        // exact up to the first such byte, as a byte of 0x20 or more never borrows.
        let control = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
        return control | quotesAndBackslashes(in: word)
    }

    // MARK: Numbers

    /// Reads a non-negative integer that fits in 64 bits.
    package mutating func readUInt64() throws(JSONSyntaxError) -> UInt64 {
        skipWhitespace()
        let start = index
        if let (value, count) = shortNumber(), count > 0 {
            if count > 1 && bytes[start] == 0x30 { throw fail("leading zero in number") }
            index += count
            return value
        }
        var value: UInt64 = 0
        // Up to 19 digits cannot overflow: no checks per digit for the usual short number.
        while index < bytes.count, index - start < 19, case let digit = bytes[index] &- 0x30, digit < 10 {
            value = value &* 10 &+ UInt64(digit)
            index += 1
        }
        while index < bytes.count, case let byte = bytes[index], byte >= 0x30, byte <= 0x39 {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - 0x30))
            if overflow1 || overflow2 { throw fail("number too large") }
            value = sum
            index += 1
        }
        if index == start { throw fail("expected a non-negative integer") }
        if index - start > 1 && bytes[start] == 0x30 { throw fail("leading zero in number") }
        return value
    }

    /// The number of up to seven digits at `index` and how many digits it has, read
    /// eight bytes at a time as a line's positions and counts are; `nil` when fewer than
    /// eight bytes are left or all eight are digits.
    @inline(__always)
    private func shortNumber() -> (UInt64, Int)? {
        guard index + 8 <= bytes.count else { return nil }
        let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
        let lowBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let low = word & lowBits
        // A byte is a digit iff its high bit is clear and its low seven bits are 0x30 to
        // 0x39: adding 0x50 sets bit 7 from 0x30 on, adding 0x46 from 0x3A on, and
        // neither carries into the next byte.
        let digits = (low &+ 0x5050_5050_5050_5050) & ~(low &+ 0x4646_4646_4646_4646) & ~word & ~lowBits
        let count = (~digits & ~lowBits).trailingZeroBitCount / 8
        guard count < 8 else { return nil }
        guard count > 0 else { return (0, 0) }
        // The digits' values at the top of the word, zeros before them, then pairs,
        // fours and eights of digits combined in place.
        var value = (word & 0x0F0F_0F0F_0F0F_0F0F) << (8 * (8 - count))
        value = (value &* 10 &+ (value >> 8)) & 0x00FF_00FF_00FF_00FF
        value = (value &* 100 &+ (value >> 16)) & 0x0000_FFFF_0000_FFFF
        value = (value &* 10_000 &+ (value >> 32)) & 0xFFFF_FFFF
        return (value, count)
    }

    /// Steps over a number, checking RFC 8259's grammar.
    private mutating func skipNumber() throws(JSONSyntaxError) {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw fail("invalid number: digit expected after '.'")
            }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number: exponent expected") }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    // MARK: Any value

    /// Steps over one complete value of any kind, validating it, and returns the
    /// byte range it occupied.
    package mutating func skipValue() throws(JSONSyntaxError) -> Range<Int> {
        skipWhitespace()
        let start = index
        // Containers are tracked on an explicit stack instead of by recursion, so
        // deeply nested input cannot overflow the thread's stack.
        var containers = ContainerStack()
        var expectingValue = true
        while true {
            if expectingValue {
                let byte = try peek()
                switch byte {
                case UInt8(ascii: "{"):
                    index += 1
                    guard containers.depth < Self.maximumDepth else { throw fail("nesting too deep") }
                    if try consume(UInt8(ascii: "}")) {
                        expectingValue = false
                    } else {
                        containers.push(isObject: true)
                        try readKeyAndColon()
                        continue
                    }
                case UInt8(ascii: "["):
                    index += 1
                    guard containers.depth < Self.maximumDepth else { throw fail("nesting too deep") }
                    if try consume(UInt8(ascii: "]")) {
                        expectingValue = false
                    } else {
                        containers.push(isObject: false)
                        continue
                    }
                case UInt8(ascii: "\""):
                    try skipString()
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    try skipNumber()
                case UInt8(ascii: "t"):
                    guard consumeLiteral("true") else { throw fail("invalid literal") }
                case UInt8(ascii: "f"):
                    guard consumeLiteral("false") else { throw fail("invalid literal") }
                case UInt8(ascii: "n"):
                    guard consumeLiteral("null") else { throw fail("invalid literal") }
                default:
                    throw fail("unexpected character where a value should start")
                }
                expectingValue = false
            }
            // After a value: close containers or move to the next element.
            guard let inObject = containers.top else { return start..<index }
            if try consume(UInt8(ascii: ",")) {
                if inObject { try readKeyAndColon() }
                expectingValue = true
            } else if try consume(inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                containers.pop()
            } else {
                throw fail(inObject ? "expected ',' or '}'" : "expected ',' or ']'")
            }
        }
    }

    private mutating func readKeyAndColon() throws(JSONSyntaxError) {
        guard try peek() == UInt8(ascii: "\"") else { throw fail("expected a string key") }
        try skipString()
        try expect(UInt8(ascii: ":"))
    }
}

extension JSONScanner {
    /// Checks that `bytes` hold exactly one JSON value (surrounded by optional
    /// whitespace) in valid UTF-8.
    static func validate(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) {
        var scanner = JSONScanner(bytes)
        _ = try scanner.skipValue()
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.fail("unexpected text after the JSON value") }
        try validateUTF8(bytes)
    }

    /// Checks that `bytes` are well-formed UTF-8.
    static func validateUTF8(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) {
        var offset = 0
        // ASCII is by far the common case, checked eight bytes at a time; only decode
        // when a high byte appears.
        while offset + 8 <= bytes.count,
            bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
        {
            offset += 8
        }
        while offset < bytes.count && bytes[offset] < 0x80 { offset += 1 }
        if offset == bytes.count { return }
        var decoder = UTF8()
        var iterator = bytes[offset...].makeIterator()
        var position = offset
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): position += UTF8.width(scalar)
            case .emptyInput: return
            case .error: throw JSONSyntaxError(offset: position, reason: "invalid UTF-8")
            }
        }
    }
}

/// The open containers of a value being stepped over, innermost last: whether each is
/// an object or an array. The first 64 levels are bits of one word, so that a payload
/// of usual depth is checked without allocating.
private struct ContainerStack {
    /// How many containers are open.
    private(set) var depth = 0
    /// Bit `level` is set when the container at `level` (below 64) is an object.
    private var objectBits: UInt64 = 0
    /// Whether each container from level 64 on is an object.
    private var deeper: [Bool] = []

    /// Whether the innermost open container is an object; `nil` when none is open.
    var top: Bool? {
        guard depth > 0 else { return nil }
        let level = depth - 1
        return level < 64 ? objectBits & (1 << UInt64(level)) != 0 : deeper[level - 64]
    }

    mutating func push(isObject: Bool) {
        if depth < 64 {
            let bit: UInt64 = 1 << UInt64(depth)
            objectBits = isObject ? objectBits | bit : objectBits & ~bit
        } else {
            deeper.append(isObject)
        }
        depth += 1
    }

    /// Closes the innermost container; one must be open.
    mutating func pop() {
        depth -= 1
        if depth >= 64 { deeper.removeLast() }
    }
}
