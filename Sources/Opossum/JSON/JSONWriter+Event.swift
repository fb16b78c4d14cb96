/// The parts of an event's JSON that the segment line and the CLI's form share.
extension JSONWriter {
    /// Appends `"tags":["key:value",...]`.
    mutating func appendTagsField(_ tags: [Tag]) {
        append("\"tags\":[")
        for (index, tag) in tags.enumerated() {
            if index > 0 { append(",") }
            // The parts written in turn: `description` would build each tag's text.
            bytes.append(UInt8(ascii: "\""))
            appendStringContents(tag.key)
            bytes.append(UInt8(ascii: ":"))
            appendStringContents(tag.value)
            bytes.append(UInt8(ascii: "\""))
        }
        append("]")
    }

    /// Appends `,"correlationId":…` and `,"causationId":…` where present.
    mutating func appendTracingIds(_ metadata: EventMetadata) {
        if let correlationId = metadata.correlationId {
            append(",\"correlationId\":")
            appendString(correlationId)
        }
        if let causationId = metadata.causationId {
            append(",\"causationId\":")
            appendString(causationId)
        }
    }

    /// Appends `,"origin":{"storeId":…,"position":…}` where there is an origin.
    mutating func appendOriginField(_ origin: EventOrigin?) {
        guard let origin else { return }
        append(",\"origin\":{\"storeId\":\"")
        UUIDText.append(origin.storeId, to: &self)
        append("\",\"position\":")
        append(origin.position.rawValue)
        append("}")
    }
}
