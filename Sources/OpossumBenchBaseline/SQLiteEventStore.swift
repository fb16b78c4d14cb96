import Foundation
package import Opossum

/// The baseline: the same DCB work as Opossum, done the usual way with SQLite.
///
/// Schema: `events(position INTEGER PRIMARY KEY, type, data, ts)` with an index on `type`,
/// and `event_tags(tag, position)` whose primary key `(tag, position)` is the covering
/// index that conditions and reads by tag search (`WITHOUT ROWID`: the table *is* that
/// index, so a tag costs one B-tree entry there, not a row plus an index entry). A second
/// index on `event_tags(position)` lets a read load each event's tags. WAL journal.
///
/// A connection belongs to one thread; concurrent writers open one each.
package final class SQLiteEventStore {
    /// When a commit is considered done: `FULL` flushes the WAL on every commit, `OFF` never.
    package enum Synchronous: String, Sendable {
        case full = "FULL"
        case off = "OFF"
    }

    /// A DCB append condition on one tag: fail if an event with `tag` is after `after`.
    package struct Condition: Sendable {
        package var tag: String
        package var after: Int64

        /// A condition on `tag` after position `after`.
        package init(tag: String, after: Int64) {
            self.tag = tag
            self.after = after
        }
    }

    private static let schema = """
        CREATE TABLE IF NOT EXISTS events(position INTEGER PRIMARY KEY, type TEXT NOT NULL, data BLOB, ts INTEGER);
        CREATE INDEX IF NOT EXISTS events_type ON events(type);
        CREATE TABLE IF NOT EXISTS event_tags(tag TEXT NOT NULL, position INTEGER NOT NULL,
            PRIMARY KEY (tag, position)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS event_tags_position ON event_tags(position);
        """

    package let database: SQLiteDatabase
    private let begin: SQLiteStatement
    private let commit: SQLiteStatement
    private let rollback: SQLiteStatement
    private let insertEvent: SQLiteStatement
    private let insertTag: SQLiteStatement
    private let conditionMatch: SQLiteStatement
    private let eventsWithTag: SQLiteStatement
    private let tagsOfEvent: SQLiteStatement

    /// Makes `folder` and a new database in it, with the tables, in WAL mode.
    ///
    /// - Returns: The database's path.
    package static func create(inNewFolder folder: String) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/events.sqlite"
        let database = try SQLiteDatabase(path: path)
        try database.execute("PRAGMA journal_mode=WAL")
        try database.execute(schema)
        return path
    }

    /// Opens the database at `path`, made by ``create(inNewFolder:)``, and prepares its statements.
    package init(path: String, synchronous: Synchronous) throws {
        database = try SQLiteDatabase(path: path)
        database.setBusyTimeout(.seconds(30))
        try database.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=\(synchronous.rawValue)")
        begin = try database.prepare("BEGIN IMMEDIATE")
        commit = try database.prepare("COMMIT")
        rollback = try database.prepare("ROLLBACK")
        insertEvent = try database.prepare("INSERT INTO events(type, data, ts) VALUES (?, ?, ?)")
        insertTag = try database.prepare("INSERT OR IGNORE INTO event_tags(tag, position) VALUES (?, ?)")
        conditionMatch = try database.prepare("SELECT 1 FROM event_tags WHERE tag = ? AND position > ? LIMIT 1")
        eventsWithTag = try database.prepare(
            """
            SELECT e.position, e.type, e.data, e.ts FROM event_tags t JOIN events e ON e.position = t.position
            WHERE t.tag = ? ORDER BY t.position
            """
        )
        tagsOfEvent = try database.prepare("SELECT tag FROM event_tags WHERE position = ?")
    }

    /// Appends `events` in one transaction if `condition` holds: the condition's query and
    /// the inserts run under one write lock (`BEGIN IMMEDIATE`).
    ///
    /// - Returns: The last event's position, or `nil` if the condition failed.
    package func append(_ events: [Event], condition: Condition? = nil) throws -> Int64? {
        try begin.run()
        do {
            if let condition {
                conditionMatch.bind(condition.tag, at: 1)
                conditionMatch.bind(condition.after, at: 2)
                let matched = try conditionMatch.step()
                conditionMatch.reset()
                if matched {
                    try rollback.run()
                    return nil
                }
            }
            try insert(events, timestamp: Int64(Date().timeIntervalSince1970 * 1e6))
            try commit.run()
            return database.lastInsertedRowID
        } catch {
            try? rollback.run()
            throw error
        }
    }

    /// Inserts `events` inside the caller's transaction.
    package func insert(_ events: [Event], timestamp: Int64) throws {
        for event in events {
            insertEvent.bind(event.type, at: 1)
            insertEvent.bind(event.data, at: 2)
            insertEvent.bind(timestamp, at: 3)
            try insertEvent.run()
            let position = database.lastInsertedRowID
            for tag in event.tags {
                insertTag.bind(tag.description, at: 1)
                insertTag.bind(position, at: 2)
                try insertTag.run()
            }
        }
    }

    /// The events with `tag`, in position order, each with all its tags.
    package func events(withTag tag: String) throws -> [SequencedEvent] {
        eventsWithTag.bind(tag, at: 1)
        defer { eventsWithTag.reset() }
        var events: [SequencedEvent] = []
        while try eventsWithTag.step() {
            let position = eventsWithTag.int64(at: 0)
            tagsOfEvent.bind(position, at: 1)
            var tags: [Tag] = []
            while try tagsOfEvent.step() {
                tags.append(try Tag(parsing: tagsOfEvent.text(at: 0)))
            }
            tagsOfEvent.reset()
            events.append(Self.decode(eventsWithTag, position: position, tags: tags))
        }
        return events
    }

    /// Calls `body` with every event in position order, each with all its tags, and
    /// returns how many there were.
    ///
    /// Walks the events table and the tag index side by side, both in position order.
    package func forEachEvent(_ body: (SequencedEvent) -> Void) throws -> Int {
        let events = try database.prepare("SELECT position, type, data, ts FROM events ORDER BY position")
        let tags = try database.prepare("SELECT position, tag FROM event_tags ORDER BY position")
        var hasTag = try tags.step()
        var count = 0
        while try events.step() {
            let position = events.int64(at: 0)
            var eventTags: [Tag] = []
            while hasTag && tags.int64(at: 0) <= position {
                if tags.int64(at: 0) == position { eventTags.append(try Tag(parsing: tags.text(at: 1))) }
                hasTag = try tags.step()
            }
            body(Self.decode(events, position: position, tags: eventTags))
            count += 1
        }
        return count
    }

    /// The highest position, or 0 for an empty database.
    package func head() throws -> Int64 {
        let statement = try database.prepare("SELECT max(position) FROM events")
        return try statement.step() ? statement.int64(at: 0) : 0
    }

    /// Copies the WAL into the database file and empties it, as a clean shutdown leaves it.
    package func checkpoint() throws {
        try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// The event in the current row of `statement` (`position, type, data, ts`).
    private static func decode(_ statement: SQLiteStatement, position: Int64, tags: [Tag]) -> SequencedEvent {
        let timestamp = Date(timeIntervalSince1970: Double(statement.int64(at: 3)) / 1e6)
        let event = Event(
            type: statement.text(at: 1),
            data: statement.data(at: 2),
            tags: tags,
            metadata: EventMetadata(timestamp: timestamp)
        )
        return SequencedEvent(position: Position(UInt64(position)), event: event)
    }
}
