// JSONSerialization keeps the last of two equal keys without a word; a config file or a Lambda
// event that names a key twice is ambiguous (which did the author mean?), so it is refused.
// This walks the text once, tracking the keys of each open object; it assumes the text parsed.

enum JSONDuplicateKeys {
    /// The first key that appears twice in one object, with its object's path; nil when none.
    static func first(in bytes: [UInt8]) -> String? {
        var objects: [(keys: Set<[UInt8]>, expectingKey: Bool)] = []
        var stack: [UInt8] = []   // "{" or "[" per open container
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                var end = index + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
                let text = Array(bytes[(index + 1)..<min(end, bytes.count)])
                if stack.last == UInt8(ascii: "{"), objects[objects.count - 1].expectingKey {
                    guard objects[objects.count - 1].keys.insert(text).inserted else { return String(decoding: text, as: UTF8.self) }
                    objects[objects.count - 1].expectingKey = false
                }
                index = end + 1
                continue
            case UInt8(ascii: "{"):
                stack.append(byte)
                objects.append(([], true))
            case UInt8(ascii: "}"):
                if stack.popLast() == UInt8(ascii: "{") { objects.removeLast() }
            case UInt8(ascii: "["):
                stack.append(byte)
            case UInt8(ascii: "]"):
                _ = stack.popLast()
            case UInt8(ascii: ","):
                if stack.last == UInt8(ascii: "{") { objects[objects.count - 1].expectingKey = true }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
