/// A string compared and hashed by its UTF-8 bytes, for index keys.
///
/// Event types are matched byte for byte, like tags: `String`'s own `==` would
/// treat canonically equivalent spellings (`é` and `e` + combining accent) as one.
struct ByteString: Hashable, Sendable {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    static func == (lhs: ByteString, rhs: ByteString) -> Bool {
        lhs.text.hasSameBytes(as: rhs.text)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combineUTF8(text)
    }
}
