import Foundation

/// The store's timestamp text: RFC 3339 in UTC with microseconds,
/// `2026-11-29T08:49:37.123456Z`, formatted and parsed without Foundation's
/// formatters (they allocate and lock, and this runs once per event).
enum Timestamp {
    /// The seconds since 1970 a timestamp can hold: the years 1 to 9999, what four-digit
    /// RFC 3339 years can say.
    /// The length of a timestamp's text: `2026-03-14T09:26:53.589793Z`.
    static let textLength = 27

    static let representableSeconds: Range<TimeInterval> = -62_135_596_800..<253_402_300_800

    /// Whether `date` falls in the years 1 to 9999.
    static func isRepresentable(_ date: Date) -> Bool {
        representableSeconds.contains(date.timeIntervalSince1970)
    }

    /// Microseconds since 1970, rounded to the nearest so that formatting a parsed
    /// timestamp gives the same text back.
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The date for a count of microseconds since 1970.
    static func date(microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    /// Appends the 27-byte text of `date` (without quotes).
    static func append(_ date: Date, to writer: inout JSONWriter) {
        let micros = microseconds(date)
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        writer.append(count: 27) { text in
            // Right to left, `count` digits of `value` (never negative here) ending before `end`.
            func digits(_ value: Int64, _ count: Int, endingAt end: Int) {
                var remaining = value
                for index in stride(from: end - 1, through: end - count, by: -1) {
                    text[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                    remaining /= 10
                }
            }
            digits(year, 4, endingAt: 4)
            text[4] = UInt8(ascii: "-")
            digits(month, 2, endingAt: 7)
            text[7] = UInt8(ascii: "-")
            digits(day, 2, endingAt: 10)
            text[10] = UInt8(ascii: "T")
            digits(secondOfDay / 3600, 2, endingAt: 13)
            text[13] = UInt8(ascii: ":")
            digits(secondOfDay / 60 % 60, 2, endingAt: 16)
            text[16] = UInt8(ascii: ":")
            digits(secondOfDay % 60, 2, endingAt: 19)
            text[19] = UInt8(ascii: ".")
            digits(fraction, 6, endingAt: 26)
            text[26] = UInt8(ascii: "Z")
        }
    }

    /// Parses text written by ``append(_:to:)``; `nil` if it is not in that exact form.
    static func parse(_ text: UnsafeRawBufferPointer) -> Date? {
        guard text.count == 27, text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"),
            text[10] == UInt8(ascii: "T"), text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":"),
            text[19] == UInt8(ascii: "."), text[26] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let digit = text[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int64(digit)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            let fraction = number(20..<26), (1...12).contains(month), (1...31).contains(day), hour < 24,
            minute < 60, second < 60
        else { return nil }
        let days = self.days(fromCivil: year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        return date(microseconds: seconds * 1_000_000 + fraction)
    }

    /// Parses the text of a timestamp given as a `String`.
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    // Howard Hinnant's days-from-civil algorithms for the proleptic Gregorian calendar.
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
