import Foundation
import Opossum

/// JSON as the command line meets it: values given in arguments (`--query`,
/// `--condition`) and the small objects commands print.
enum JSONText {
    /// Decodes the JSON text of `option` as a `T`, with one clear line naming the
    /// option when the text is not valid JSON or not the expected shape.
    static func decode<T: Decodable>(_ type: T.Type, from text: String, option: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch let error as EventStoreError {
            throw CommandFailure("invalid \(option): \(error.description)")
        } catch let error as DecodingError {
            throw CommandFailure("invalid \(option): \(describe(error, in: text))")
        } catch {
            throw CommandFailure("invalid \(option): \(error)")
        }
    }

    /// A one-line explanation of a decoding error of `text`, with the JSON path where it happened.
    private static func describe(_ error: DecodingError, in text: String) -> String {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return syntaxProblem(in: text) ?? "a value is not of the expected kind (positions are whole numbers from 0)"
        case .dataCorrupted(let context):
            return "\(context.debugDescription)\(at(context.codingPath))"
        case .keyNotFound(let key, let context):
            return "missing field \(key.stringValue.debugDescription)\(at(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "expected \(kind(of: type))\(at(context.codingPath))"
        case .valueNotFound(let type, let context):
            return "expected \(kind(of: type)) but found null\(at(context.codingPath))"
        @unknown default:
            return String(describing: error)
        }
    }

    /// `text` as a JSON string literal.
    static func string(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        // Encoding a String cannot fail; the fallback only keeps this non-throwing.
        guard let data = try? encoder.encode(text) else { return "\"\"" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A JSON object with `fields` in the given order, written `{"key": value, ...}`;
    /// each value must already be JSON text.
    static func object(_ fields: KeyValuePairs<String, String>) -> String {
        "{" + fields.map { "\(string($0.key)): \($0.value)" }.joined(separator: ", ") + "}"
    }

    /// ` for "items[0].tags"`: where in the JSON a problem is, or nothing at the top level.
    private static func at(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "" }
        let path = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        return " for \"\(path.hasPrefix(".") ? String(path.dropFirst()) : path)\""
    }

    /// "a string", "an array", ...: the JSON kind a decoder expected, in words.
    private static func kind(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        case is UInt64.Type, is Int.Type, is Double.Type: "a number"
        default: String(describing: type)
        }
    }

    /// Where `text` breaks JSON's syntax, as JSONSerialization says it, or `nil` if it is valid JSON.
    ///
    /// `JSONDecoder` only says that the data was "not valid JSON", also when it is
    /// valid JSON holding a number out of range.
    private static func syntaxProblem(in text: String) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
            return nil
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return "not valid JSON" + (detail.map { ": \($0)" } ?? "")
        }
    }
}
