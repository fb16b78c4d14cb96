import Foundation
import Opossum

/// The events of `opossum append --batch`: JSON lines from a file or standard input.
///
/// Each non-blank line is one event, `{"type": ..., "tags": ["key:value", ...],
/// "data": <any JSON>}` (the form `opossum read` prints is accepted too). The whole
/// input is parsed before anything is appended, so a bad line stops the batch with
/// its line number and nothing is written.
enum EventBatch {
    /// Reads and parses the batch at `source`: a file path, or `-` for standard input.
    static func events(from source: String) throws -> [Event] {
        let name = source == "-" ? "standard input" : source
        let contents = try read(source == "-" ? FileHandle.standardInput : open(source), name: name)
        let events = try parse(contents, name: name)
        guard !events.isEmpty else {
            throw CommandFailure("the batch in \(name) has no events")
        }
        return events
    }

    private static func open(_ path: String) throws -> FileHandle {
        let descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CommandFailure("cannot open batch file \(path): \(String(cString: strerror(errno)))")
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    private static func read(_ handle: FileHandle, name: String) throws -> Data {
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw CommandFailure("cannot read batch from \(name): \((error as NSError).localizedDescription)")
        }
    }

    /// Parses JSON lines, skipping blank ones; `name` says where they came from in errors.
    static func parse(_ contents: Data, name: String) throws -> [Event] {
        var events: [Event] = []
        var lineNumber = 0
        for line in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                events.append(try Event(json: line))
            } catch {
                throw CommandFailure("\(name) line \(lineNumber): \(error.description)")
            }
        }
        return events
    }
}
