/// A failure reported by SQLite's C API.
package struct SQLiteError: Error, CustomStringConvertible {
    /// SQLite's result code, such as `SQLITE_BUSY` (5).
    package var code: Int32
    /// SQLite's message and what was being done.
    package var message: String

    package var description: String { "SQLite error \(code): \(message)" }
}
