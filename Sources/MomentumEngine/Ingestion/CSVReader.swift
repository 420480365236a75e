// RFC 4180 CSV: fields separated by commas, records by CRLF or LF (a lone CR too), fields
// optionally quoted with `"`, a quote inside a quoted field doubled (`""`), commas and line
// breaks allowed inside quotes; a UTF-8 byte-order mark at the start is skipped. Spreadsheets
// write exactly this (`"1,200"` for a grouped number).

package struct CSVRecord: Sendable, Equatable {
    /// The record's fields, unquoted.
    package var fields: [String]
    /// The line of the file the record starts on (1-based), for messages.
    package var line: Int
}

package enum CSVReader {
    /// A field longer than this (in Unicode scalars) is not a follower history: the reader
    /// stops with an error instead of buffering it.
    package static let maximumFieldLength = 64 * 1024

    package struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        package var line: Int
        package var reason: String
        package var description: String { "line \(line): \(reason)" }
    }

    /// Every record of `text`, blank lines left out.
    package static func records(_ text: String) throws(Failure) -> [CSVRecord] {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var fieldLength = 0         // counted here: the view's own count is O(n)
        var line = 1
        var recordLine = 1
        var quoted = false          // inside a quoted field
        var wasQuoted = false       // the current field was quoted (text after its closing quote is an error)
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar?

        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            fieldLength = 0
            wasQuoted = false
        }
        func endRecord() {
            // A blank line (one empty, unquoted field) is no record.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(CSVRecord(fields: fields, line: recordLine)) }
            fields = []
        }

        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        field.append("\"")
                        fieldLength += 1
                    } else {
                        quoted = false
                        wasQuoted = true
                        pending = next
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                    fieldLength += 1
                }
            } else {
                switch scalar {
                case ",":
                    endField()
                case "\r", "\n":
                    if scalar == "\r" {
                        let next = iterator.next()
                        if next != "\n" { pending = next }
                    }
                    endField()
                    endRecord()
                    line += 1
                    recordLine = line
                case "\"" where field.isEmpty && !wasQuoted:
                    quoted = true
                default:
                    if wasQuoted {
                        throw Failure(line: line, reason: "text after the closing quote of a field (a quote inside a quoted field is written \"\")")
                    }
                    field.append(scalar)
                    fieldLength += 1
                }
            }
            if fieldLength > maximumFieldLength {
                throw Failure(line: line, reason: "a field longer than \(maximumFieldLength) characters")
            }
        }
        if quoted { throw Failure(line: recordLine, reason: "a quoted field is not closed before the end of the file") }
        if !field.isEmpty || wasQuoted || !fields.isEmpty {
            endField()
            endRecord()
        }
        return records
    }
}
