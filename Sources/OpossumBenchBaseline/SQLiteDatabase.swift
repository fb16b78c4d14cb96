import CSQLite
import Foundation

/// One SQLite connection, used by one thread only.
package final class SQLiteDatabase {
    /// The C handle.
    package let handle: OpaquePointer

    /// Opens (creating if needed) the database at `path`.
    ///
    /// The connection is used by one thread only, so SQLite's own mutexes are turned off.
    /// The corresponding C function is `sqlite3_open_v2`.
    package init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: code, message: "cannot open \(path): \(message)")
        }
        self.handle = handle
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// The SQLite library's version, such as `3.40.1`.
    package static var libraryVersion: String { String(cString: sqlite3_libversion()) }

    /// Runs `sql`, one or more statements, ignoring any rows they return.
    package func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &error)
        guard code == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw SQLiteError(code: code, message: "\(message) in \(sql)")
        }
    }

    /// Compiles `sql`, one statement, for repeated use.
    package func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(database: self, sql: sql)
    }

    /// How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
    package func setBusyTimeout(_ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        sqlite3_busy_timeout(handle, Int32(seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }

    /// The position (rowid) the last `INSERT` on this connection gave its row.
    package var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The connection's last error message.
    package var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}
