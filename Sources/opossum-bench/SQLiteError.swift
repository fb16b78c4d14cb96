/// A failure reported by SQLite's C API.
struct SQLiteError: Error, CustomStringConvertible {
    /// SQLite's result code, such as `SQLITE_BUSY` (5).
    var code: Int32
    /// SQLite's message and what was being done.
    var message: String

    var description: String { "SQLite error \(code): \(message)" }
}
