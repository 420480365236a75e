// Credentials never cross an origin: a redirect is followed only to the same scheme, host and
// port (async-http-client's `hasTheSameOrigin`), and the request it leads to is built here once.

import Foundation

extension TransportRequest {
    /// Whether `a` and `b` share scheme, host and port (the scheme's default port included).
    package static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        func port(_ url: URL) -> Int? { url.port ?? (url.scheme?.lowercased() == "https" ? 443 : url.scheme?.lowercased() == "http" ? 80 : nil) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && port(a) == port(b)
    }

    /// The request a 3xx answer leads to: nil when it has no usable `Location`; an error naming
    /// the other origin when it leads away from this one (the request's credentials would go
    /// with it). A 303, and a 301/302 to a POST, become a GET without a body.
    package func following(_ response: TransportResponse) throws -> TransportRequest? {
        guard let location = response.header("Location"), let target = URL(string: location, relativeTo: url)?.absoluteURL else {
            return nil
        }
        guard TransportRequest.sameOrigin(url, target) else {
            throw TransportError("the server redirected to another origin (\(target.scheme ?? "?")://\(target.host ?? "?")); not followed, so that credentials stay with \(url.host ?? "?")")
        }
        var next = self
        next.url = target
        if response.status == 303 || ((response.status == 301 || response.status == 302) && method == "POST") {
            next.method = "GET"
            next.body = nil
        }
        return next
    }
}
