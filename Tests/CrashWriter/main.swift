// A writer for the crash tests: appends batches to a store as fast as it can, from
// several concurrent tasks, and records every acknowledged batch in a file — until
// the test kills it with SIGKILL at a moment of its choosing.
//
// Usage: opossum-crash-writer STORE ACK-FILE [TASKS]
// Each acknowledged batch is one line in ACK-FILE: `<last position> <batch size> <batch id>`.
// The store must exist. Durability is `flush`: acknowledged means on the device.

import Foundation
import Opossum

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: opossum-crash-writer STORE ACK-FILE [TASKS]\n".utf8))
    exit(2)
}
let ackDescriptor = open(arguments[2], O_WRONLY | O_CREAT | O_APPEND, 0o644)
guard ackDescriptor >= 0 else { exit(2) }
let taskCount = arguments.count > 3 ? Int(arguments[3]) ?? 4 : 4

/// Writes one acknowledgement line with a single `write(2)`: a killed process
/// leaves whole lines only, and the page cache keeps them.
func acknowledge(_ line: String) {
    let bytes = Array(line.utf8)
    _ = bytes.withUnsafeBytes { write(ackDescriptor, $0.baseAddress, $0.count) }
}

let store = try await FileEventStore.open(at: arguments[1])
await withThrowingTaskGroup(of: Void.self) { group in
    for task in 0..<taskCount {
        group.addTask {
            var number = 0
            while true {
                number += 1
                let batchId = "\(getpid())-\(task)-\(number)"
                let size = 1 + (number % 4)
                let events = (0..<size).map { index in
                    Event(
                        type: index == 0 ? "BatchStarted" : "BatchContinued",
                        data: Data(
                            """
                            {"batch":"\(batchId)","index":\(index),"size":\(size),"padding":"\(String(repeating: "x", count: number % 300))"}
                            """.utf8
                        ),
                        tags: [Tag("batch", batchId), Tag("task", String(task))]
                    )
                }
                let last = try await store.append(events, condition: nil)
                acknowledge("\(last.rawValue) \(size) \(batchId)\n")
            }
        }
    }
}
