// A small JSON writer for the simulator's answers. Foundation's JSONSerialization bridges every
// value through NSObject and sorts keys with locale-aware comparison, which made it most of the
// cost of a demo run; the answers here are plain dictionaries, arrays, strings and numbers.

import Foundation
import MomentumText

enum SimulatorJSON {
    /// Serialises `value` with keys in code-point order; `nil` for a value JSON cannot hold.
    static func encode(_ value: Any) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        return write(value, into: &out) ? out : nil
    }

    private static func write(_ value: Any, into out: inout [UInt8]) -> Bool {
        // Containers first, and NSNull last: a failed cast of a Swift dictionary to a class
        // (such as NSNull) bridges it to NSDictionary first, which is slow on Linux.
        switch value {
        case let object as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (i, key) in object.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(key, to: &out)
                out.append(UInt8(ascii: ":"))
                guard let element = object[key], write(element, into: &out) else { return false }
            }
            out.append(UInt8(ascii: "}"))
        case let array as [[String: Any]]:
            out.append(UInt8(ascii: "["))
            for (i, element) in array.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                guard write(element, into: &out) else { return false }
            }
            out.append(UInt8(ascii: "]"))
        case let strings as [String]:
            out.append(UInt8(ascii: "["))
            for (i, element) in strings.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            for (i, element) in array.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                guard write(element, into: &out) else { return false }
            }
            out.append(UInt8(ascii: "]"))
        case let string as String:
            JSONString.append(string, to: &out)
        case let bool as Bool:
            out.append(contentsOf: (bool ? "true" : "false").utf8)
        case let int as Int:
            out.append(contentsOf: String(int).utf8)
        case let int as Int64:
            out.append(contentsOf: String(int).utf8)
        case let double as Double:
            guard double.isFinite else { return false }
            out.append(contentsOf: "\(double)".utf8)
        case is NSNull:
            out.append(contentsOf: "null".utf8)
        default:
            return false
        }
        return true
    }
}
