// Prints rows as an aligned table (people), JSON (programs) or CSV (spreadsheets). JSON keys and
// CSV headers are the column names of the metric contract; dates are YYYY-MM-DD and nulls are
// JSON null or empty CSV cells.

import Foundation
import LakeAnalytics
import MomentumEngine
import MomentumText

struct TableOutput {
    var columns: [String]
    var rows: [[Cell]]
    /// Columns to keep first when a table is too wide for the terminal; the others are dropped
    /// from the right.
    var priority: [String] = []

    /// Fractions the contract defines as growth, shown as percentages in tables (json and csv
    /// keep the fractions).
    static let percentColumns: Set<String> = ["growth_7d", "growth_28d", "acceleration_7d", "pct_change", "uplift", "last_event_uplift"]

    init(columns: [String], rows: [[Cell]]) {
        self.columns = columns
        self.rows = rows
    }

    init<Row>(_ table: TableDefinition<Row>, _ rows: [Row]) {
        columns = table.columnNames
        self.rows = table.cells(rows)
    }

    /// The table without the named columns (one artist's tables need no id or name column:
    /// the heading names the artist).
    func dropping(_ names: Set<String>) -> TableOutput {
        let kept = columns.indices.filter { !names.contains(columns[$0]) }
        var table = TableOutput(columns: kept.map { columns[$0] }, rows: rows.map { row in kept.map { row[$0] } })
        table.priority = priority
        return table
    }

    func render(_ format: OutputFormat, width: Int = TableOutput.terminalWidth) -> String {
        switch format {
        case .json: return json()
        case .csv: return csv()
        case .table: return table(width: width)
        }
    }

    /// `COLUMNS`, else the terminal's width, else 100 (a pipe or a file).
    static var terminalWidth: Int {
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text), columns > 0 { return min(columns, 10_000) }
        var size = winsize()
        if Console.stdoutIsTerminal, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 100
    }

    func json() -> String { jsonArray() + "\n" }

    /// The rows as a JSON array of objects, one per line, each line after the first indented.
    func jsonArray(indent: String = "") -> String {
        var out = "["
        for (i, row) in rows.enumerated() {
            out += i == 0 ? "\n\(indent)  {" : ",\n\(indent)  {"
            for (j, (name, cell)) in zip(columns, row).enumerated() {
                if j > 0 { out += ", " }
                out += JSONString.quoted(name) + ": " + TableOutput.jsonValue(cell)
            }
            out += "}"
        }
        return out + (rows.isEmpty ? "]" : "\n\(indent)]")
    }

    func csv() -> String {
        var out = columns.map(TableOutput.csvField).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map { TableOutput.csvField(TableOutput.plain($0)) }.joined(separator: ",") + "\n"
        }
        return out
    }

    func table(width: Int = 100) -> String {
        let allColumns = self.columns
        let allTexts = self.rows.map { row in zip(allColumns, row).map { TableOutput.human($1, column: $0) } }
        // Display widths, not character counts: a CJK name takes two columns a character.
        var allWidths = allColumns.map(TerminalText.displayWidth)
        for row in allTexts {
            for (j, text) in row.enumerated() { allWidths[j] = max(allWidths[j], TerminalText.displayWidth(text)) }
        }
        let shown = TableOutput.fitting(allColumns, widths: allWidths, priority: priority, width: width)
        let columns = shown.map { allColumns[$0] }
        let widths = shown.map { allWidths[$0] }
        let texts = allTexts.map { row in shown.map { row[$0] } }
        let rows = self.rows.map { row in shown.map { row[$0] } }
        func line(_ cells: [String], numeric: [Bool]) -> String {
            zip(cells, widths).enumerated().map { j, pair in
                let padding = String(repeating: " ", count: max(0, pair.1 - TerminalText.displayWidth(pair.0)))
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
        let hidden = self.columns.indices.filter { !shown.contains($0) }.map { self.columns[$0] }
        if !hidden.isEmpty {
            out += "(\(hidden.count) column\(hidden.count == 1 ? "" : "s") hidden to fit \(width) characters: \(hidden.joined(separator: ", ")); --format csv shows all)\n"
        }
        return out
    }

    /// Indexes of the columns that fit in `width`, in display order: the first priority column
    /// present (else the first column) always, then the other priority columns, then the rest
    /// from the left.
    static func fitting(_ columns: [String], widths: [Int], priority: [String], width: Int) -> [Int] {
        guard !columns.isEmpty else { return [] }
        let ranked = priority.compactMap { name in columns.firstIndex(of: name) }
        let lead = ranked.first ?? 0
        let order = [lead] + ranked.filter { $0 != lead } + columns.indices.filter { $0 != lead && !ranked.contains($0) }
        var chosen: [Int] = []
        var used = 0
        for index in order where !chosen.contains(index) {
            let needed = widths[index] + (chosen.isEmpty ? 0 : 2)
            if chosen.isEmpty || used + needed <= width {
                chosen.append(index)
                used += needed
            }
        }
        return chosen.sorted()
    }

    // MARK: Cells

    static func jsonValue(_ cell: Cell) -> String {
        switch cell {
        case .null: return "null"
        case .string(let v): return JSONString.quoted(v)
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

    /// Rounded and grouped for reading; growth fractions as percentages.
    static func human(_ cell: Cell, column: String = "") -> String {
        if case .double(let v) = cell, percentColumns.contains(column) {
            return String(format: "%+.1f%%", v * 100)
        }
        switch cell {
        case .null: return "-"
        case .string(let raw):
            // Escapes first, so that a name cannot move the cursor or clear the terminal.
            let v = TerminalText.sanitized(raw)
            return TerminalText.truncated(v, toWidth: 40)
        case .integer(let v): return grouped(v)
        case .double(let v): return String(format: abs(v) >= 1000 ? "%.1f" : "%.4f", v)
        case .date(let v): return v.isoString
        case .boolean(let v): return v ? "yes" : "no"
        }
    }

    static func grouped(_ value: Int64) -> String {
        GroupedNumber.text(value)
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
