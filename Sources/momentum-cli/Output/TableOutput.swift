// Prints rows as an aligned table (people), JSON (programs) or CSV (spreadsheets). JSON keys and
// CSV headers are the column names of the metric contract; dates are YYYY-MM-DD and nulls are
// JSON null or empty CSV cells.

import Foundation
import LakeKit
import MomentumEngine

struct TableOutput {
    var columns: [String]
    var rows: [[Cell]]

    init(columns: [String], rows: [[Cell]]) {
        self.columns = columns
        self.rows = rows
    }

    init<Row>(_ table: TableDefinition<Row>, _ rows: [Row]) {
        columns = table.columnNames
        self.rows = table.cells(rows)
    }

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .json: return json()
        case .csv: return csv()
        case .table: return table()
        }
    }

    func json() -> String {
        var out = "["
        for (i, row) in rows.enumerated() {
            out += i == 0 ? "\n  {" : ",\n  {"
            for (j, (name, cell)) in zip(columns, row).enumerated() {
                if j > 0 { out += ", " }
                out += JSONEscaping.quoted(name) + ": " + TableOutput.jsonValue(cell)
            }
            out += "}"
        }
        return out + (rows.isEmpty ? "]\n" : "\n]\n")
    }

    func csv() -> String {
        var out = columns.map(TableOutput.csvField).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map { TableOutput.csvField(TableOutput.plain($0)) }.joined(separator: ",") + "\n"
        }
        return out
    }

    func table() -> String {
        let texts = rows.map { $0.map(TableOutput.human) }
        var widths = columns.map(\.count)
        for row in texts {
            for (j, text) in row.enumerated() { widths[j] = max(widths[j], text.count) }
        }
        func line(_ cells: [String], numeric: [Bool]) -> String {
            zip(cells, widths).enumerated().map { j, pair in
                let padding = String(repeating: " ", count: pair.1 - pair.0.count)
                return numeric[j] ? padding + pair.0 : pair.0 + padding
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let numeric = columns.indices.map { j in
            rows.contains { row in
                switch row[j] {
                case .integer, .double: return true
                default: return false
                }
            }
        }
        var out = line(columns, numeric: numeric) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in texts { out += line(row, numeric: numeric) + "\n" }
        if rows.isEmpty { out += "(no rows)\n" }
        return out
    }

    // MARK: Cells

    static func jsonValue(_ cell: Cell) -> String {
        switch cell {
        case .null: return "null"
        case .string(let v): return JSONEscaping.quoted(v)
        case .integer(let v): return String(v)
        case .double(let v): return v.isFinite ? "\(v)" : "null"
        case .date(let v): return "\"\(v.isoString)\""
        case .boolean(let v): return v ? "true" : "false"
        }
    }

    /// Full precision, no decoration: CSV and JSON carry exact values.
    static func plain(_ cell: Cell) -> String {
        switch cell {
        case .null: return ""
        case .string(let v): return v
        case .integer(let v): return String(v)
        case .double(let v): return "\(v)"
        case .date(let v): return v.isoString
        case .boolean(let v): return v ? "true" : "false"
        }
    }

    /// Rounded and grouped for reading.
    static func human(_ cell: Cell) -> String {
        switch cell {
        case .null: return "-"
        case .string(let raw):
            // Escapes first, so that a name cannot move the cursor or clear the terminal.
            let v = TerminalText.sanitized(raw)
            return v.count > 40 ? String(v.prefix(39)) + "…" : v
        case .integer(let v): return grouped(v)
        case .double(let v): return String(format: abs(v) >= 1000 ? "%.1f" : "%.4f", v)
        case .date(let v): return v.isoString
        case .boolean(let v): return v ? "yes" : "no"
        }
    }

    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    static func csvField(_ raw: String) -> String {
        // A cell starting with = + - @ (or a tab/CR) is a formula to spreadsheets: a leading
        // apostrophe keeps it text (OWASP's advice). Numbers are not strings and are not touched.
        var text = raw
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(text) == nil {
            text = "'" + text
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
