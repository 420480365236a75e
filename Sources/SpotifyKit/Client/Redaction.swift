// Text that came from a server (an error message, a body excerpt) is shown to users and logs.
// A hostile or buggy server may echo our Authorization header back: every known secret and
// anything shaped like a credential is masked, control characters are dropped and the length
// is capped before such text leaves SpotifyKit.

enum Redaction {
    static let mask = "[REDACTED]"
    static let maximumLength = 300

    /// `text` with `secrets` and credential-like values masked, single-line and capped.
    static func clean(_ text: String, secrets: [String] = []) -> String {
        var result = text
        for secret in secrets where secret.count >= 4 {
            result = result.replacingOccurrences(of: secret, with: mask)
        }
        result = maskCredentialValues(result)
        var cleaned = String(String.UnicodeScalarView(result.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format ? " " : scalar
        }))
        if cleaned.count > maximumLength { cleaned = String(cleaned.prefix(maximumLength)) + "…" }
        return cleaned
    }

    /// Masks what follows `Bearer`, `Basic`, `access_token`, `client_secret`, `authorization`
    /// and `token` markers: the shapes a credential takes in headers, JSON and forms.
    static func maskCredentialValues(_ text: String) -> String {
        let markers = ["bearer ", "basic ", "access_token", "client_secret", "authorization", "refresh_token", "\"token\""]
        var output = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            let lower = rest.lowercased()
            guard let hit = markers.compactMap({ marker in lower.range(of: marker).map { (marker, $0) } })
                .min(by: { lower.distance(from: lower.startIndex, to: $0.1.lowerBound) < lower.distance(from: lower.startIndex, to: $1.1.lowerBound) })
            else {
                output += rest
                break
            }
            let offset = lower.distance(from: lower.startIndex, to: hit.1.upperBound)
            let markerEnd = rest.index(rest.startIndex, offsetBy: offset)
            output += rest[..<markerEnd]
            var cursor = markerEnd
            // Skip separators such as `": "`, `=`, `:` and spaces, then mask the value.
            while cursor < rest.endIndex, " \"':=\t".contains(rest[cursor]) {
                output.append(rest[cursor])
                cursor = rest.index(after: cursor)
            }
            // "Authorization: Bearer x": keep the scheme word so that the value after it is masked too.
            let valueStart = cursor
            while cursor < rest.endIndex, !" \"',;&}\n\r\t".contains(rest[cursor]) { cursor = rest.index(after: cursor) }
            let value = rest[valueStart..<cursor].lowercased()
            if value == "bearer" || value == "basic" {
                output += rest[valueStart..<cursor]
            } else if cursor > valueStart {
                output += mask
            }
            rest = rest[cursor...]
        }
        return output
    }
}
