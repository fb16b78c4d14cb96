import CSQLite
package import Foundation

/// A compiled SQL statement, reset and reused for every execution.
package final class SQLiteStatement {
    private let handle: OpaquePointer
    private let database: SQLiteDatabase
    private let sql: String

    package init(database: SQLiteDatabase, sql: String) throws {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw SQLiteError(code: code, message: "cannot prepare \(sql): \(database.errorMessage)")
        }
        self.handle = handle
        self.database = database
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `value` to the parameter at `index` (1-based).
    package func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds `text` to the parameter at `index` (1-based); SQLite copies it.
    package func bind(_ text: String, at index: Int32) {
        var text = text
        text.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) { characters in
                sqlite3_bind_text(handle, index, characters.baseAddress, Int32(bytes.count), csqlite_transient())
            }
        }
    }

    /// Binds `data` as a blob to the parameter at `index` (1-based); SQLite copies it.
    package func bind(_ data: Data, at index: Int32) {
        data.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), csqlite_transient())
        }
    }

    /// Runs the statement to its next row: `true` if there is one, `false` when done.
    package func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw SQLiteError(code: code, message: "\(database.errorMessage) in \(sql)")
        }
    }

    /// Runs a statement that returns no rows, then resets it for the next use.
    package func run() throws {
        defer { reset() }
        _ = try step()
    }

    /// Makes the statement ready to run again; its bindings stay.
    package func reset() {
        sqlite3_reset(handle)
    }

    /// The integer in column `column` (0-based) of the current row.
    package func int64(at column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    /// The text in column `column` (0-based) of the current row.
    package func text(at column: Int32) -> String {
        guard let characters = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: characters, count: count), as: UTF8.self)
    }

    /// The blob in column `column` (0-based) of the current row.
    package func data(at column: Int32) -> Data {
        guard let bytes = sqlite3_column_blob(handle, column) else { return Data() }
        return Data(bytes: bytes, count: Int(sqlite3_column_bytes(handle, column)))
    }
}
