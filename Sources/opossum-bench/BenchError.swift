/// The benchmark itself went wrong (as opposed to a store failing): its bookkeeping does
/// not add up, or a child process misbehaved.
struct BenchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Throws ``BenchError`` unless `condition` holds, rather than report a number for work
/// that was not done.
func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw BenchError(message: message()) }
}
